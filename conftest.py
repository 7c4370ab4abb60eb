"""Whatever .env says, the test suite (notebook kernels included) runs on the offline emulator.

Under pytest-xdist (`--dist loadgroup`), every cell of a notebook runs in the same worker: nbval's
cells share one kernel, so a cell sent to another worker would find its notebook's names missing.
"""

import os

import pytest

os.environ["TWILIO_MODE"] = "emulator"
os.environ.pop("TWILIO_EMULATOR_URL", None)
os.environ.pop("TWILIO_EMULATOR_DB", None)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(f"notebook-{item.path.stem}"))
