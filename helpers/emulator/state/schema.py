"""What the emulator's state file holds: its tables (``SCHEMA``), their version
(``FILE_VERSION``, in ``PRAGMA user_version``) and the statements the store repeats.

A change to the tables bumps ``FILE_VERSION``: files of another version are refused, not
upgraded (why: the top of ``store.py``). A new table alone does not: ``CREATE TABLE IF NOT
EXISTS`` adds it when a file opens (``learners`` came that way), and older code ignores it.
"""

FILE_VERSION = 2  # PRAGMA user_version of the files this emulator reads and writes
# 2: a message's timeline holds resources.Step lists (at, status, from_number, date_sent,
#    price, num_segments, error_code, error_message), not flat (at, status, column, value...)
SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after deletes
    sid TEXT NOT NULL,  -- sids.make_sid(prefix, seq): found through seq, no index needed
    account_sid TEXT NOT NULL,
    direction TEXT NOT NULL,
    from_number TEXT,
    to_number TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    num_segments TEXT NOT NULL,
    num_media TEXT NOT NULL,
    price TEXT,
    error_code INTEGER,
    error_message TEXT,
    messaging_service_sid TEXT,
    date_created REAL NOT NULL,
    date_updated REAL NOT NULL,
    date_sent REAL,
    status_callback TEXT,
    timeline TEXT,  -- JSON: the resources.Step lists still to come
    next_at REAL
);
CREATE INDEX IF NOT EXISTS messages_next_at ON messages (next_at) WHERE next_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS media (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL,
    message_sid TEXT NOT NULL,
    account_sid TEXT NOT NULL,
    content_type TEXT NOT NULL,
    url TEXT NOT NULL,
    date_created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS media_message ON media (message_sid, seq);
CREATE TABLE IF NOT EXISTS senders (
    number TEXT PRIMARY KEY,
    busy_until REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS callbacks (
    id INTEGER PRIMARY KEY,
    message_sid TEXT NOT NULL,
    account_sid TEXT NOT NULL,
    url TEXT NOT NULL,
    params TEXT NOT NULL,
    due_at REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',  -- pending, sending (claimed), delivered, failed
    detail TEXT,
    claimed_at REAL,  -- wall-clock time of the claim while sending
    attempts INTEGER NOT NULL DEFAULT 0  -- delivery attempts so far, by any process
);
CREATE INDEX IF NOT EXISTS callbacks_pending ON callbacks (state, due_at);
CREATE TABLE IF NOT EXISTS callback_attempts (  -- the log of delivery attempts
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- keeps rising across reset(): inboxes follow it
    callback_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    account_sid TEXT NOT NULL,
    message_sid TEXT NOT NULL,
    message_status TEXT,
    url TEXT NOT NULL,
    at REAL NOT NULL,
    http_status INTEGER,
    outcome TEXT NOT NULL,
    detail TEXT
);
CREATE TABLE IF NOT EXISTS opt_outs (
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    PRIMARY KEY (sender, recipient)
);
CREATE TABLE IF NOT EXISTS learners (  -- a room's learners; kept by reset(), never deleted
    number INTEGER PRIMARY KEY,  -- 1, 2, ... in the order they joined
    name TEXT NOT NULL,
    trial_sid TEXT NOT NULL UNIQUE,
    trial_token TEXT NOT NULL,
    upgraded_sid TEXT NOT NULL UNIQUE,
    upgraded_token TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value REAL NOT NULL
);
"""

TABLES = ("messages", "media", "senders", "callbacks", "callback_attempts", "opt_outs", "meta")
ATTEMPT_COLUMNS = ("callback_id", "attempt", "account_sid", "message_sid", "message_status",
                   "url", "at", "http_status", "outcome", "detail")
INSERT_ATTEMPT = (
    f"INSERT INTO callback_attempts ({', '.join(ATTEMPT_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(ATTEMPT_COLUMNS))})"
)
MESSAGE_COLUMNS = (
    "seq", "sid", "account_sid", "direction", "from_number", "to_number", "body", "status",
    "num_segments", "num_media", "price", "error_code", "error_message",
    "messaging_service_sid", "date_created", "date_updated", "date_sent", "status_callback",
    "timeline", "next_at",
)
INSERT_MESSAGE = (
    f"INSERT INTO messages ({', '.join(MESSAGE_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(MESSAGE_COLUMNS))})"
)
READ_COLUMNS = ", ".join(MESSAGE_COLUMNS[:-2])  # the timeline is read by due_messages only
LEARNER_COLUMNS = ("number", "name", "trial_sid", "trial_token", "upgraded_sid",
                   "upgraded_token", "created")
UPSERT_SENDER = "INSERT OR REPLACE INTO senders (number, busy_until) VALUES (?, ?)"
