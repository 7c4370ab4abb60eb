"""Helpers for the Twilio SMS/MMS tutorial: settings, the client, the mode banner and friends."""

from .client import get_client, get_emulator, wait
from .config import ConfigError, Settings, get_settings
from .display import show_mode
from .phone import to_e164

__all__ = [
    "ConfigError",
    "Settings",
    "get_client",
    "get_emulator",
    "get_settings",
    "show_mode",
    "to_e164",
    "wait",
]
