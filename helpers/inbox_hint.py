"""`show_phone(message)`: the message as the recipient's phone shows it, and where to watch it live.

The bubble is the same on every path. The last line, `Inbox: …` (HTML class `tutorial-path-note`),
says where the live phone inbox is, which depends on how the course was started: `make lab`
(its address), JupyterHub/Binder (the launcher tile), a plain kernel (how to get one), or live.
"""

import html
import os

from .config import get_settings

TILE = "the Twilio Phone Inbox tile of the JupyterLab launcher"


def inbox_hint(mode: str) -> tuple[str, str | None]:
    """Where the live inbox is, and its address when this kernel knows it."""
    if mode == "live":
        return "live mode: the message arrives on your real phone within seconds.", None
    url = os.environ.get("TWILIO_EMULATOR_INBOX_URL")
    if not url and os.environ.get("TWILIO_EMULATOR_URL"):
        url = os.environ["TWILIO_EMULATOR_URL"].rstrip("/") + "/inbox"
    if url:  # its ?token= signs the inbox in (as Jupyter's does): a link, never printed
        shown = url.partition("?")[0]
        return f"open {shown} (or {TILE}) to watch it arrive, its ticks move and reply.", url
    if os.environ.get("TWILIO_EMULATOR_DB"):
        return f"open {TILE} to watch it arrive, its ticks move and reply.", None
    return ("this kernel's emulator lives in its memory, where no inbox can see it: start the "
            "course with `make lab` to watch every message arrive in the phone inbox."), None


class PhoneView:
    """One message as its recipient sees it; text in a terminal, a bubble in a notebook."""

    def __init__(self, message, mode: str):
        self.to, self.from_ = message.to, message.from_
        self.body = message.body or ""
        self.pictures = int(message.num_media or 0)
        self.hint, self.url = inbox_hint(mode)

    def _pictures(self) -> str:
        return f"{self.pictures} picture(s)" if self.pictures else ""

    def __repr__(self) -> str:
        lines = [f"📱 {self.to} receives, from {self.from_}:", f"   {self.body}"]
        if self.pictures:
            lines.append(f"   [{self._pictures()}]")
        return "\n".join(lines + [f"Inbox: {self.hint}"])

    def _repr_html_(self) -> str:
        hint = html.escape(self.hint)
        if self.url:
            shown = html.escape(self.url.partition("?")[0])
            hint = hint.replace(shown, f'<a href="{html.escape(self.url)}" target="_blank" '
                                       f'class="tutorial-inbox-link">{shown}</a>', 1)
        pictures = f"<div style='color:#555'>🖼 {self._pictures()}</div>" if self.pictures else ""
        return (
            '<div class="tutorial-phone" style="max-width:28em;border:1px solid #ccc;'
            'border-radius:12px;padding:8px 12px;background:#fafafa">'
            f"<div>📱 <b>{html.escape(self.to)}</b> · from {html.escape(self.from_ or '')}</div>"
            '<div style="background:#e5e5ea;border-radius:14px;padding:6px 10px;margin:6px 0">'
            f"{html.escape(self.body)}</div>{pictures}"
            f'<div class="tutorial-path-note" style="color:#555">Inbox: {hint}</div></div>'
        )


def show_phone(message) -> PhoneView:
    """`message` as the recipient's phone shows it, and where to watch the live inbox."""
    return PhoneView(message, get_settings().mode)
