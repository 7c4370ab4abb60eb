"""What the phone inbox shows: every message of a room (sent and received), ready to draw.

The core's `outbox()` lists what was sent; the inbox also needs replies, media URLs and the
encoding, so it reads the same store through the core's own row-to-JSON shape.
"""

from urllib.parse import urlsplit

from helpers.segments import count_segments

from . import seed, shapes

DEMO_HOST = "demo.twilio.com"


def conversations(emulator, account_sid: str | None = None) -> list[dict]:
    """Messages in and out (oldest first) as Twilio JSON plus `encoding` and `media_urls`."""
    emulator.outbox()  # applies every status change due by now
    query = "SELECT * FROM messages"
    args: tuple = ()
    if account_sid:
        query, args = query + " WHERE account_sid = ?", (account_sid,)
    with emulator.store.lock:
        rows = emulator.store.db.execute(query + " ORDER BY seq", args).fetchall()
        media = emulator.store.db.execute("SELECT message_sid, url FROM media ORDER BY seq")
        urls: dict[str, list[str]] = {}
        for message_sid, url in media.fetchall():
            urls.setdefault(message_sid, []).append(url)
    return [dict(shapes.message(row), encoding=count_segments(row["body"] or "").encoding,
                 media_urls=urls.get(row["sid"], [])) for row in rows]


def clear_messages(emulator, account_sid: str | None = None) -> None:
    """Forget the messages (with their media and callbacks) of one account, or of everyone."""
    where, args = ("WHERE account_sid = ?", (account_sid,)) if account_sid else ("", ())
    with emulator.store.transaction() as db:
        for table in ("messages", "media", "callbacks"):
            db.execute(f"DELETE FROM {table} {where}", args)


def accounts() -> list[dict]:
    """The seeded accounts the inbox can show (never their tokens)."""
    return [{"sid": a.sid, "friendly_name": a.friendly_name, "type": a.type}
            for a in seed.ACCOUNTS]


def is_demo_media(url: str) -> bool:
    """True for the seeded demo media (served from the bundled owl picture, offline)."""
    return urlsplit(url).hostname == DEMO_HOST
