"""The emulator's exception for a Twilio error. Each code's HTTP status and message text are
in Twilio's error catalogue, ``helpers.facts.errors``."""

from __future__ import annotations

from helpers.facts.errors import CATALOG, more_info


class TwilioError(ValueError):
    """An error Twilio answers with ``{"code", "message", "more_info", "status"}``: bad input,
    so a ``ValueError`` too (``Emulator.inbound`` raises both kinds)."""

    def __init__(self, code: int, **fields: str):
        self.status, template = CATALOG[code]
        self.code = code
        self.message = template.format(**fields)
        super().__init__(f"HTTP {self.status} error {code}: {self.message}")

    @property
    def more_info(self) -> str:
        return more_info(self.code)

    def body(self) -> dict:
        """The JSON body Twilio sends with this error."""
        return {
            "code": self.code,
            "message": self.message,
            "more_info": self.more_info,
            "status": self.status,
        }
