"""The offline Twilio emulator.

    from twilio.rest import Client
    from helpers.emulator import Emulator, EmulatorHttpClient, seed

    emulator = Emulator()
    client = Client(seed.TRIAL.sid, seed.TRIAL.auth_token,
                    http_client=EmulatorHttpClient(emulator))
    client.messages.create(body="Hi", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    emulator.clock.advance(5)   # queued -> sending -> sent -> delivered
"""

from . import seed
from .clock import Clock
from .core import Emulator
from .errors import TwilioError
from .runtime.chaos import ChaosTimeout
from .transports.in_process import EmulatorHttpClient

__all__ = ["ChaosTimeout", "Clock", "Emulator", "EmulatorHttpClient", "TwilioError", "seed"]
