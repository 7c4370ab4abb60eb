"""Media: the files of an MMS, one row each, read and deleted through their message."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..errors import TwilioError
from ..resources import Media, Message
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


def attach(store: Store, message: Message, urls) -> None:
    """Store one ``Media`` per URL of the new ``message``."""
    for url in urls:
        seq = store.next_seq("media")
        store.insert_media(Media(
            seq=seq, sid=make_sid("ME", seq), message_sid=message.sid,
            account_sid=message.account_sid, content_type=content_type(url), url=url,
            date_created=message.date_created,
        ))


def list_of(store: Store, message: Message, since: float | None = None,
            before: float | None = None) -> list[Media]:
    """The media of ``message`` (one the caller may read) created in [``since``,
    ``before``) (None: unbounded), in the order they were sent."""
    return [item for item in store.media_of(message.sid)
            if (since is None or item.date_created >= since)
            and (before is None or item.date_created < before)]


def get(store: Store, message: Message, media_sid: str, path: str) -> Media:
    """One media of ``message``, else 20404 for ``path``."""
    found = store.get_media(sid_row(media_sid))
    if found is None or found.sid != media_sid or found.message_sid != message.sid:
        raise TwilioError(20404, path=path)
    return found


def delete(store: Store, message: Message, media_sid: str, path: str) -> None:
    """Delete one media of ``message``; its ``num_media`` goes down by one."""
    found = get(store, message, media_sid, path)
    store.delete_media(found.seq)
    store.update_message(message.seq, {"num_media": str(int(message.num_media) - 1)})
