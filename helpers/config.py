"""Tutorial settings: read `.env` at the repo root (real environment variables win), check them
and decide between the offline emulator and live Twilio."""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from .facts import is_short_code
from .phone import E164_HINT, suggest_e164, to_e164

REPO_ROOT = Path(__file__).resolve().parent.parent
VARIABLES = (
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM_NUMBER",
    "MY_PHONE_NUMBER",
    "TWILIO_MESSAGING_SERVICE_SID",
    "TWILIO_MODE",
    "TWILIO_EMULATOR_URL",
)
MODES = ("emulator", "live")
ACCOUNT_SID = re.compile(r"AC[0-9a-f]{32}")
AUTH_TOKEN = re.compile(r"[0-9a-f]{32}")
SERVICE_SID = re.compile(r"MG[0-9a-f]{32}")
PLACEHOLDERS = {"", "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "your_auth_token"}


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable and the fix."""


def env_path() -> Path:
    """The `.env` the tutorial reads: the repo root's, unless TUTORIAL_ENV_PATH names another."""
    return Path(os.environ.get("TUTORIAL_ENV_PATH") or REPO_ROOT / ".env")


EXPORTED: dict[str, str] = {}
"""What `emulate_twilio()` put in `os.environ` (helpers/offline.py): the tutorial's own copy of
its settings, for Twilio's samples to read, never read back as the learner's settings (else
the emulator's trial account would look like real credentials, and `.env` edits be hidden)."""


def read_variables() -> dict[str, str]:
    """The tutorial's variables from `.env`, overridden by real environment variables."""
    values = {k: v for k, v in dotenv_values(env_path()).items() if k in VARIABLES and v}
    values.update({k: os.environ[k] for k in VARIABLES
                   if os.environ.get(k) and os.environ[k] != EXPORTED.get(k)})
    return {k: v.strip() for k, v in values.items()}


@dataclass(frozen=True)
class Settings:
    """What the tutorial runs with. The auth token is kept out of repr and str."""

    mode: str
    account_sid: str
    auth_token: str = field(repr=False)
    from_number: str
    my_phone_number: str
    messaging_service_sid: str | None = None
    emulator_url: str | None = None

    @property
    def env_path(self) -> Path:
        """Where these settings were read from."""
        return env_path()


def get_settings() -> Settings:
    """Read and check the settings now, so edits to `.env` apply without restarting the kernel."""
    values = read_variables()
    mode = choose_mode(values)
    if mode == "emulator":
        return emulator_settings(values)
    return account_settings(values, "live")


def account_settings(values: dict[str, str], mode: str, emulator_url: str | None = None
                     ) -> Settings:
    """Settings naming an account of your own (checked): a real one, or a room's."""
    return Settings(
        mode=mode,
        account_sid=values["TWILIO_ACCOUNT_SID"],
        auth_token=values["TWILIO_AUTH_TOKEN"],
        from_number=check_sender(values.get("TWILIO_FROM_NUMBER", "")),
        my_phone_number=check_number("MY_PHONE_NUMBER", values.get("MY_PHONE_NUMBER", "")),
        messaging_service_sid=check_service(values.get("TWILIO_MESSAGING_SERVICE_SID")),
        emulator_url=emulator_url,
    )


def choose_mode(values: dict[str, str]) -> str:
    """`TWILIO_MODE` if set, else live only when real-looking credentials are present."""
    mode = values.get("TWILIO_MODE", "").lower()
    if mode and mode not in MODES:
        raise ConfigError(f"TWILIO_MODE is {mode!r}; set it to 'emulator', 'live' or nothing.")
    if mode == "emulator":
        return mode
    has_sid = values.get("TWILIO_ACCOUNT_SID", "") not in PLACEHOLDERS
    has_token = values.get("TWILIO_AUTH_TOKEN", "") not in PLACEHOLDERS
    if mode == "live" or has_sid or has_token:
        check_credentials(values)
        return "live"
    return "emulator"


def check_credentials(values: dict[str, str]) -> None:
    """Raise ConfigError unless the Account SID and Auth Token have Twilio's shapes."""
    sid = values.get("TWILIO_ACCOUNT_SID", "")
    token = values.get("TWILIO_AUTH_TOKEN", "")
    where = f"Set it in {env_path()} (copy .env.example) and re-run the cell."
    if sid in PLACEHOLDERS:
        raise ConfigError(f"TWILIO_ACCOUNT_SID is not set. {where}")
    if not ACCOUNT_SID.fullmatch(sid):
        raise ConfigError(
            f"TWILIO_ACCOUNT_SID should be 'AC' followed by 32 hex digits (0-9, a-f); yours has "
            f"{len(sid)} characters and starts with {sid[:2]!r}. Copy it again from the Console."
        )
    if token in PLACEHOLDERS:
        raise ConfigError(f"TWILIO_AUTH_TOKEN is not set. {where}")
    if not AUTH_TOKEN.fullmatch(token):
        raise ConfigError(
            f"TWILIO_AUTH_TOKEN should be 32 hex digits (0-9, a-f); yours has {len(token)} "
            "characters. Click 'Show' next to Auth Token in the Console and copy it again."
        )


def check_number(name: str, text: str) -> str:
    """Return `text` as E.164 or raise ConfigError naming `name` and the corrected form."""
    if not text:
        raise ConfigError(f"{name} is not set. Add it to {env_path()}. {E164_HINT}")
    try:
        return to_e164(text)
    except ValueError as exc:
        suggestion = suggest_e164(text)
        fix = f" Use {name}={suggestion}." if suggestion else ""
        raise ConfigError(f"{name}: {exc}{fix}") from None


def check_sender(text: str) -> str:
    """A From number: E.164 or a short code."""
    return text if is_short_code(text) else check_number("TWILIO_FROM_NUMBER", text)


def check_service(sid: str | None) -> str | None:
    """An optional Messaging Service SID: 'MG' + 32 hex digits."""
    if sid and not SERVICE_SID.fullmatch(sid):
        raise ConfigError(
            "TWILIO_MESSAGING_SERVICE_SID should be 'MG' followed by 32 hex digits, "
            "or left empty. Find it under Messaging > Services in the Console."
        )
    return sid or None


def emulator_settings(values: dict[str, str]) -> Settings:
    """Settings for the offline emulator: its seeded trial account and numbers, or, with a
    room's server (`TWILIO_EMULATOR_URL`) and the accounts its join page gave, those."""
    from .emulator import seed

    url = values.get("TWILIO_EMULATOR_URL")
    if url and values.get("TWILIO_ACCOUNT_SID", "") not in PLACEHOLDERS:
        check_credentials(values)
        return account_settings(values, "emulator", url)
    return Settings(
        mode="emulator",
        account_sid=seed.TRIAL.sid,
        auth_token=seed.TRIAL.auth_token,
        from_number=seed.DEFAULT_FROM,
        my_phone_number=seed.DEFAULT_TO,
        messaging_service_sid=seed.TRIAL.messaging_service.sid,
        emulator_url=url,
    )
