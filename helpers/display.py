"""The mode banner: one line saying where messages go, never showing the auth token."""

import html
from urllib.parse import urlsplit

from .config import Settings, get_settings
from .offline import emulation_active


def is_local(url: str | None) -> bool:
    """True for no server (in-process) or one on this machine's loopback."""
    return url is None or urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")


class ModeBanner:
    """Shown as HTML in a notebook and as one line of text elsewhere."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def _parts(self) -> tuple[str, str, str]:
        s = self.settings
        if s.mode == "live":
            sid = f"{s.account_sid[:6]}…{s.account_sid[-4:]}"
            return ("LIVE", f"real Twilio, account {sid}, From {s.from_number}",
                    "messages are real and may cost money")
        where = f"emulator server at {s.emulator_url}" if s.emulator_url else "offline emulator"
        wired = "every twilio Client in this kernel talks to it; " if emulation_active() else ""
        stays = ("nothing leaves this machine" if is_local(s.emulator_url)
                 else "nothing reaches Twilio or a phone")  # a room's server
        return ("EMULATOR", f"{where}, trial account {s.account_sid}, From {s.from_number}",
                f"{wired}{stays}; add credentials to .env to go live")

    def __str__(self) -> str:
        mode, what, note = self._parts()
        return f"[{mode} MODE] {what} ({note})"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        mode, what, note = (html.escape(p) for p in self._parts())
        colour = "#b00020" if self.settings.mode == "live" else "#1b5e20"
        return (
            f'<div class="tutorial-mode-banner" style="border-left:6px solid {colour};'
            f'padding:6px 10px;background:#f6f8fa"><b style="color:{colour}">{mode} MODE</b>'
            f" · {what} <span style='color:#555'>({note})</span></div>"
        )


def show_mode(settings: Settings | None = None) -> ModeBanner:
    """The banner for the current settings; a notebook displays it when it is a cell's last line."""
    return ModeBanner(settings or get_settings())
