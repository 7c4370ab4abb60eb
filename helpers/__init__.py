"""Helpers for the Twilio SMS/MMS tutorial: settings, the client, the mode banner and friends.

The forms live in `helpers.forms` and the bulk sender in `helpers.bulk`.
"""

from .client import get_client, get_emulator, wait
from .config import ConfigError, Settings, get_settings
from .display import show_mode
from .guidance import explain, friendly_errors
from .inbox_hint import show_phone
from .offline import emulate_twilio
from .phone import to_e164
from .segments import count_segments

__all__ = [
    "ConfigError",
    "Settings",
    "count_segments",
    "emulate_twilio",
    "explain",
    "friendly_errors",
    "get_client",
    "get_emulator",
    "get_settings",
    "show_mode",
    "show_phone",
    "to_e164",
    "wait",
]
