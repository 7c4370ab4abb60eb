"""The logic behind the `.env` form: check the values, then update `.env` in place, safely.

Only the tutorial's own lines change; every other line and comment is kept. The file is
written atomically (a temporary file renamed over the old one) with permissions 600, and no
message here ever contains the auth token.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from ..config import ACCOUNT_SID, AUTH_TOKEN, SERVICE_SID
from ..facts import is_short_code
from ..phone import to_e164

# form field -> .env variable
FIELDS = {
    "account_sid": "TWILIO_ACCOUNT_SID",
    "auth_token": "TWILIO_AUTH_TOKEN",
    "from_number": "TWILIO_FROM_NUMBER",
    "my_phone_number": "MY_PHONE_NUMBER",
    "messaging_service_sid": "TWILIO_MESSAGING_SERVICE_SID",
}
# number fields -> the error code Twilio returns for a malformed one
NUMBER_FIELDS = {"from_number": 21212, "my_phone_number": 21211}
_ASSIGNMENT = re.compile(r"^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)\s*=")


@dataclass
class SaveResult:
    """What happened when the form was submitted: `errors` maps a field to its message."""

    saved: bool
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""


def current_values(path: Path) -> dict[str, str]:
    """The variables already in `path` (the form pre-fills from them, except the token)."""
    if not path.exists():
        return {}
    return {k: v or "" for k, v in dotenv_values(path).items()}


def check(values: dict[str, str], token_saved: bool) -> dict[str, str]:
    """Field -> problem, for every value that would not work. Empty means all good."""
    errors = {}
    sid = values.get("account_sid", "").strip()
    if not ACCOUNT_SID.fullmatch(sid):
        errors["account_sid"] = (
            "An Account SID is 'AC' followed by 32 hex digits (0-9, a-f), 34 characters in all. "
            "Copy it from Account Info at https://console.twilio.com (else Twilio answers 20003)."
        )
    token = values.get("auth_token", "").strip()
    if not token and not token_saved:
        errors["auth_token"] = "Paste your Auth Token (Account Info, click 'Show' to copy it)."
    elif token and not AUTH_TOKEN.fullmatch(token):
        errors["auth_token"] = (
            f"An Auth Token is 32 hex digits (0-9, a-f); this one has {len(token)} characters. "
            "Copy it again from Account Info (else Twilio answers 20003)."
        )
    for name, code in NUMBER_FIELDS.items():
        try:
            normalized(name, values.get(name, ""))
        except ValueError as exc:
            errors[name] = f"{exc} (Twilio would answer {code}.)"
    service = values.get("messaging_service_sid", "").strip()
    if service and not SERVICE_SID.fullmatch(service):
        errors["messaging_service_sid"] = (
            "A Messaging Service SID is 'MG' followed by 32 hex digits; leave it empty if you "
            "have none (Messaging > Services in the Console)."
        )
    return errors


def normalized(name: str, value: str) -> str:
    """A number field as E.164 (a From short code stays as is); other fields unchanged."""
    value = value.strip()
    if name not in NUMBER_FIELDS or (name == "from_number" and is_short_code(value)):
        return value
    return to_e164(value)


def updated_text(text: str, updates: dict[str, str]) -> str:
    """`text` with each `KEY=...` line of `updates` rewritten and missing keys appended."""
    lines = text.splitlines(keepends=True)
    seen = set()
    for i, line in enumerate(lines):
        match = _ASSIGNMENT.match(line)
        if match and match.group(2) in updates:
            key = match.group(2)
            newline = "\n" if line.endswith("\n") else ""
            lines[i] = f"{match.group(1)}{key}={updates[key]}{newline}"
            seen.add(key)
    missing = [f"{key}={value}\n" for key, value in updates.items() if key not in seen]
    if missing and lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join(lines + missing)


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step, readable by its owner only (mode 600)."""
    path = path.resolve()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".env-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(values: dict[str, str], path: Path) -> SaveResult:
    """Check `values` (form field -> text) and, if all are valid, write them to `path`.

    An empty token keeps the saved one; an empty optional field leaves its line alone.
    """
    existing = current_values(path)
    errors = check(values, token_saved=bool(existing.get(FIELDS["auth_token"])))
    if errors:
        return SaveResult(False, errors, "Nothing was saved: fix the fields listed below.")
    updates = {}
    for name, variable in FIELDS.items():
        value = values.get(name, "").strip()
        if value:
            updates[variable] = normalized(name, value)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    write_atomically(path, updated_text(text, updates))
    message = (
        f"Saved {', '.join(updates)} to {path.name} (permissions 600: only you can read it). "
        "Restart the kernel (Kernel > Restart Kernel) and run the notebook from the top, "
        "so the client is created with the new credentials."
    )
    if existing.get("TWILIO_MODE", "").lower() == "emulator":
        message += f" Note: {path.name} sets TWILIO_MODE=emulator, which keeps you offline; "
        message += "delete that line to go live."
    return SaveResult(True, {}, message)
