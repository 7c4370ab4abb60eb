"""The media part of the MMS form: reading, checking and previewing media URLs."""

from __future__ import annotations

import html
from urllib.parse import urlparse

MAX_MEDIA = 10


def parse_media_urls(text: str) -> list[str]:
    """One URL per line; blank lines are ignored."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def media_problem(urls: list[str]) -> str | None:
    """Why Twilio would refuse these media URLs (with its error code), or None."""
    if len(urls) > MAX_MEDIA:
        return (
            f"{len(urls)} media URLs given; a message can carry at most {MAX_MEDIA}. "
            "Send the rest in another message (Twilio would answer 21623)."
        )
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            return (
                f"{url!r} is not a full http(s) URL. Twilio downloads each image itself, so use "
                "a public address such as https://demo.twilio.com/owl.png (Twilio would "
                "answer 21620)."
            )
    return None


def preview_html(urls: list[str]) -> str:
    """Thumbnails of the images, as the browser can fetch them."""
    if not urls:
        return "<i>No media yet: add one https:// URL per line.</i>"
    images = "".join(
        f"<img src='{html.escape(url, quote=True)}' alt='{html.escape(url, quote=True)}' "
        "style='max-height:120px;max-width:160px;margin:4px;border:1px solid #ccc'>"
        for url in urls
    )
    return f"<div>{images}</div>"
