"""Phone-number parsing and media types for the emulator, cached so a create stays cheap.

(Whether a media URL is valid is Twilio's rule: ``helpers.facts.rules.is_valid_media_url``.)
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

import phonenumbers

SHORT_CODE = re.compile(r"\d{3,8}")
ALPHANUMERIC_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")


@lru_cache(maxsize=65536)
def parse_number(raw: str) -> tuple[str, str] | None:
    """``(E.164, country)`` for a number Twilio would dial, else None.

    Twilio accepts any *possible* number (``+15558675310`` is possible though not assigned);
    a number without ``+`` is read as a US number, the way Twilio reads it for a US sender.
    """
    text = raw.strip()
    if not text or len(text) > 32 or not any(c.isdigit() for c in text):
        return None
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    # The country code's main region: +1 counts as US (Canada is treated alike for
    # permissions, MMS and price), +44 as GB.
    return e164, phonenumbers.region_code_for_country_code(parsed.country_code)


CONTENT_TYPES = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
    "bmp": "image/bmp", "webp": "image/webp", "mp4": "video/mp4", "mpeg": "video/mpeg",
    "mp3": "audio/mpeg", "ogg": "audio/ogg", "wav": "audio/wav", "pdf": "application/pdf",
    "vcf": "text/vcard", "txt": "text/plain", "csv": "text/csv",
}


def content_type(url: str) -> str:
    """The content type Twilio would record, guessed from the URL's extension."""
    path = urlsplit(url).path
    extension = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return CONTENT_TYPES.get(extension, "application/octet-stream")
