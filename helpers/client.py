"""`get_client()`: a genuine `twilio.rest.Client`, wired to the offline emulator or to Twilio."""

import os
import time
from functools import cache

from twilio.rest import Client

from .config import Settings, get_settings


@cache
def shared_emulator():
    """The in-process emulator of this kernel, created on first use.

    By default it lives in memory with a clock that moves only when told, so every run replays
    exactly. With TWILIO_EMULATOR_DB (set by `make lab`) it shares a sqlite file, and a real-time
    clock, with the emulator server, so the phone inbox shows what the notebooks send.
    """
    from .emulator import Emulator
    from .emulator.state.clock import Clock

    path = os.environ.get("TWILIO_EMULATOR_DB")
    return Emulator(path, clock=Clock(real=True)) if path else Emulator()


def get_client(settings: Settings | None = None) -> Client:
    """A Twilio client for the current mode (see `show_mode()`).

    Emulator mode: the real client talks to the offline emulator through a custom HTTP client,
    in this process, or to the emulator server when TWILIO_EMULATOR_URL is set.
    Live mode: the plain client, talking to api.twilio.com.
    """
    settings = settings or get_settings()
    if settings.mode == "live":
        return Client(settings.account_sid, settings.auth_token)
    from .offline import emulator_http_client  # the same wiring emulate_twilio() installs

    return Client(settings.account_sid, settings.auth_token,
                  http_client=emulator_http_client(settings))


def get_emulator(settings: Settings | None = None):
    """The in-process emulator when the client uses it, else None (live mode or the server)."""
    settings = settings or get_settings()
    if settings.mode == "emulator" and not settings.emulator_url:
        return shared_emulator()
    return None


def is_emulated(client: Client) -> bool:
    """True when `client` talks to the offline emulator (in process or its HTTP server)."""
    from .emulator.transports.remote import EmulatorServerHttpClient

    http_client = client.http_client
    return (getattr(http_client, "emulator", None) is not None
            or isinstance(http_client, EmulatorServerHttpClient))


def wait(seconds: float) -> None:
    """Let `seconds` pass: the emulator's clock jumps ahead; live, we really wait."""
    emulator = get_emulator()
    if emulator is None:
        time.sleep(seconds)
    else:
        emulator.clock.advance(seconds)
