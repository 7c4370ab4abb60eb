"""Whatever .env says, the test suite (notebook kernels included) runs on the offline emulator."""

import os

os.environ["TWILIO_MODE"] = "emulator"
os.environ.pop("TWILIO_EMULATOR_URL", None)
os.environ.pop("TWILIO_EMULATOR_DB", None)
