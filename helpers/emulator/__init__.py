"""The offline Twilio emulator.

    from twilio.rest import Client
    from helpers.emulator import Emulator, EmulatorHttpClient, seed

    emulator = Emulator()
    client = Client(seed.TRIAL.sid, seed.TRIAL.auth_token,
                    http_client=EmulatorHttpClient(emulator))
    client.messages.create(body="Hi", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    emulator.clock.advance(5)   # queued -> sending -> sent -> delivered

Layers, outside in: ``transports/`` (in process, the HTTP server, the client to it) call
``core.Emulator.handle``; ``api/`` maps Twilio's REST requests to ``rules/`` (Twilio's rules,
one module per resource), which read and write ``state/`` (the sqlite store, its schema,
the clock, SIDs). ``runtime/`` sends status callbacks and injects chaos; ``inbox/`` is the
web page; ``seed.py`` is the fictional world (accounts, numbers, services);
``resources.py`` holds the typed ``Message`` and ``Media`` (with ``to_dict()``, Twilio's JSON).
"""

from . import seed
from .core import Emulator
from .errors import TwilioError
from .runtime.chaos import ChaosTimeout
from .state.clock import Clock
from .transports.in_process import EmulatorHttpClient

__all__ = ["ChaosTimeout", "Clock", "Emulator", "EmulatorHttpClient", "TwilioError", "seed"]
