"""`emulate_twilio()`: the seed's own code, `Client(account_sid, auth_token)`, runs offline.

In the spirit of moto's `mock_aws`: one visible line at the top of a notebook, and every
`twilio.rest.Client` created afterwards in this process without an `http_client` of its own
talks to the offline emulator (in-process, or the emulator server when `TWILIO_EMULATOR_URL` is
set). In live mode it changes nothing about the clients.

In both modes it puts the tutorial's settings in `os.environ`, as Twilio's docs expect:
`TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `TWILIO_FROM_NUMBER`, `MY_PHONE_NUMBER` (and
`TWILIO_MESSAGING_SERVICE_SID` when there is one): live, the values of `.env`; in emulator mode,
the emulator's trial account and numbers. The docs' placeholders (`ACXXXX…`, `your_auth_token`)
also mean the trial account offline, so Twilio's samples run exactly as written.
"""

from __future__ import annotations

import os

from twilio.base import client_base
from twilio.http.http_client import TwilioHttpClient

from . import config
from .client import shared_emulator
from .config import Settings, get_settings
from .emulator import EmulatorHttpClient, seed
from .emulator.transports.remote import EmulatorServerHttpClient

DOCS_PLACEHOLDERS = ("ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "your_auth_token")


def environment(settings: Settings) -> dict[str, str]:
    """The variables Twilio's samples read, with this mode's values."""
    values = {
        "TWILIO_ACCOUNT_SID": settings.account_sid,
        "TWILIO_AUTH_TOKEN": settings.auth_token,
        "TWILIO_FROM_NUMBER": settings.from_number,
        "MY_PHONE_NUMBER": settings.my_phone_number,
    }
    if settings.messaging_service_sid:
        values["TWILIO_MESSAGING_SERVICE_SID"] = settings.messaging_service_sid
    return values


class _DocsPlaceholders:
    """Offline, the docs' placeholder credentials stand for the emulator's trial account."""

    def request(self, method, url, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        if auth and tuple(auth) == DOCS_PLACEHOLDERS:
            auth = (seed.TRIAL.sid, seed.TRIAL.auth_token)
            url = url.replace(DOCS_PLACEHOLDERS[0], seed.TRIAL.sid)
        return super().request(method, url, params=params, data=data, headers=headers,
                               auth=auth, timeout=timeout, allow_redirects=allow_redirects)


class InProcessClient(_DocsPlaceholders, EmulatorHttpClient):
    """The in-process emulator's client, placeholders included."""


class ServerClient(_DocsPlaceholders, EmulatorServerHttpClient):
    """The emulator server's client, placeholders included."""


def emulator_http_client(settings: Settings):
    """The HTTP client a `Client()` built without one gets in emulator mode."""
    if settings.emulator_url:
        return ServerClient(settings.emulator_url)
    return InProcessClient(shared_emulator())


def emulation_active() -> bool:
    """True while `emulate_twilio()` sends new clients to the emulator."""
    return client_base.TwilioHttpClient is not TwilioHttpClient


class EmulatedTwilio:
    """What `emulate_twilio()` did; `stop()` (or leaving a `with` block) undoes it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._saved_env = {name: os.environ.get(name) for name in environment(settings)}

    def start(self) -> EmulatedTwilio:
        exported = environment(self.settings)
        os.environ.update(exported)
        config.EXPORTED.update(exported)
        if self.settings.mode == "emulator":
            settings = self.settings
            client_base.TwilioHttpClient = lambda: emulator_http_client(settings)
        else:
            client_base.TwilioHttpClient = TwilioHttpClient
        return self

    def stop(self) -> None:
        client_base.TwilioHttpClient = TwilioHttpClient
        for name, value in self._saved_env.items():
            config.EXPORTED.pop(name, None)
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def __enter__(self) -> EmulatedTwilio:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = "the offline emulator" if self.settings.mode == "emulator" else "real Twilio"
        return f"<emulate_twilio: new twilio Clients talk to {where}>"


def emulate_twilio() -> EmulatedTwilio:
    """Emulator mode: every `Client()` created from now on talks to the emulator. Live: no-op.

    Either way the settings land in `os.environ` (see the module docstring). Call it again
    after editing `.env`; use it as a context manager to undo it on exit.
    """
    return EmulatedTwilio(get_settings()).start()
