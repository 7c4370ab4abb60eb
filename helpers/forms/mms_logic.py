"""The media part of the MMS form: reading, checking and previewing media URLs.

Offline (emulator mode) the preview never reaches the internet: Twilio's demo images
(demo.twilio.com) are drawn from the copy bundled with the emulator, other URLs get a placeholder.
"""

from __future__ import annotations

import base64
import html
from functools import cache
from pathlib import Path

from ..config import get_settings
from ..facts import MAX_MEDIA, invalid_media_urls, is_demo_media, too_many_media

DEMO_IMAGE = Path(__file__).resolve().parent.parent / "emulator" / "inbox" / "static" / "owl.png"
_IMG_STYLE = "max-height:120px;max-width:160px;margin:4px;border:1px solid #ccc"


def parse_media_urls(text: str) -> list[str]:
    """One URL per line; blank lines are ignored."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def media_problem(urls: list[str]) -> str | None:
    """Why Twilio would refuse these media URLs (with its error code), or None."""
    if too_many_media(urls):
        return (
            f"{len(urls)} media URLs given; a message can carry at most {MAX_MEDIA}. "
            "Send the rest in another message (Twilio would answer 21623)."
        )
    bad = invalid_media_urls(urls)
    if bad:
        return (
            f"{bad[0]!r} is not a full http(s) URL. Twilio downloads each image itself, so use "
            "a public address such as https://demo.twilio.com/owl.png (Twilio would "
            "answer 21620)."
        )
    return None


@cache
def _demo_image_uri() -> str:
    return "data:image/png;base64," + base64.b64encode(DEMO_IMAGE.read_bytes()).decode()


def is_offline() -> bool:
    """True in emulator mode, where previews must not fetch anything from the internet."""
    return get_settings().mode == "emulator"


def preview_html(urls: list[str], offline: bool) -> str:
    """Thumbnails of the images; offline, the bundled demo image or a placeholder."""
    if not urls:
        return "<i>No media yet: add one https:// URL per line.</i>"
    tiles = []
    for url in urls:
        label = html.escape(url, quote=True)
        if not offline or is_demo_media(url):
            src = _demo_image_uri() if offline else label
            tiles.append(f"<img src='{src}' alt='{label}' title='{label}' style='{_IMG_STYLE}'>")
        else:
            tiles.append(
                f"<span style='display:inline-block;padding:8px;{_IMG_STYLE}'>"
                f"offline: no preview for {label}</span>"
            )
    return f"<div>{''.join(tiles)}</div>"


def preview_media(urls: list[str]):
    """The images at `urls`, shown in a notebook (offline, without reaching the internet)."""
    from IPython.display import HTML

    return HTML(preview_html(list(urls), is_offline()))
