"""Media: the files of an MMS, one row each, read and deleted through their message."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..errors import TwilioError
from ..state.sids import make_sid, sid_row
from ..state.store import Store

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


def attach(store: Store, message: dict, urls) -> None:
    """Store one media row per URL of the new message."""
    for url in urls:
        seq = store.next_seq("media")
        store.insert_media({
            "seq": seq, "sid": make_sid("ME", seq), "message_sid": message["sid"],
            "account_sid": message["account_sid"], "content_type": content_type(url),
            "url": url, "date_created": message["date_created"],
        })


def list_of(store: Store, message) -> list:
    """The media of message (a row the caller may read), in the order they were sent."""
    return store.media_of(message["sid"])


def get(store: Store, message, media_sid: str, path: str):
    """One media row of message, else 20404 for path."""
    row = store.get_media(sid_row(media_sid))
    if row is None or row["sid"] != media_sid or row["message_sid"] != message["sid"]:
        raise TwilioError(20404, path=path)
    return row


def delete(store: Store, message, media_sid: str, path: str) -> None:
    """Delete one media row of message; its num_media goes down by one."""
    row = get(store, message, media_sid, path)
    store.delete_media(row["seq"])
    store.update_message(message["seq"], {"num_media": str(int(message["num_media"]) - 1)})
