"""The server's state file: its log is checkpointed by a thread of its own
(state/checkpoints.py), the log stays bounded, and new files use 1 KiB pages while older
files with 4 KiB pages still open."""

import shutil
import sqlite3
from contextlib import closing

from helpers.emulator import Emulator, seed
from helpers.emulator.state.schema import FILE_VERSION, SCHEMA
from helpers.emulator.state.store import PAGE_SIZE

from .conftest import make_client


def _send(emulator, count: int) -> list[str]:
    client = make_client(emulator, seed.TRIAL)
    return [client.messages.create(body=f"n{n}", from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO).sid
            for n in range(count)]


def _rows_in_database_file(path, folder) -> int:
    """Messages in the database file itself, leaving out its log (what checkpoints copied)."""
    copy = folder / f"database-file-only-{len(list(folder.iterdir()))}.db"
    shutil.copyfile(path, copy)
    with closing(sqlite3.connect(copy)) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'messages'").fetchone():
            return 0
        return db.execute("SELECT count(*) FROM messages").fetchone()[0]


def test_the_thread_checkpoints_what_the_writer_left_in_the_log(tmp_path):
    path, copies = tmp_path / "emulator.db", tmp_path / "copies"
    copies.mkdir()
    emulator = Emulator(str(path))
    _send(emulator, 5)  # a few pages: the writer alone leaves them in the log
    assert _rows_in_database_file(path, copies) == 0

    with emulator.store.checkpoints_in_background() as checkpointer:
        sids = _send(emulator, 5)
        assert checkpointer.wait_idle(timeout=10)
        assert _rows_in_database_file(path, copies) == 10
        other = Emulator(str(path))  # and any other connection sees every create at once
        assert other.messages(seed.TRIAL.sid)[-1]["sid"] == sids[-1]
        other.close()
    assert emulator.store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    emulator.close()


def test_the_log_stays_bounded_under_steady_writes(tmp_path):
    """sqlite starts the log over only when all of it is copied, which a thread racing a
    busy writer seldom sees: the writer's own checkpoint at `writer_pages` keeps it small."""
    path = tmp_path / "emulator.db"
    emulator = Emulator(str(path))
    writer_pages = 64
    with emulator.store.checkpoints_in_background(writer_pages=writer_pages):
        _send(emulator, 400)  # about 2,000 pages written to the log
    log_bytes = (tmp_path / "emulator.db-wal").stat().st_size
    assert log_bytes < 4 * writer_pages * (PAGE_SIZE + 24), log_bytes
    emulator.close()


def test_new_files_use_small_pages_and_older_files_still_open(tmp_path):
    emulator = Emulator(str(tmp_path / "new.db"))
    assert emulator.store.db.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 1024
    emulator.close()

    older = tmp_path / "older.db"  # as this version's emulator made them before 1 KiB pages
    with sqlite3.connect(older) as db:
        db.executescript(f"PRAGMA page_size=4096; PRAGMA journal_mode=WAL; {SCHEMA}"
                         f" PRAGMA user_version={FILE_VERSION};")
    emulator = Emulator(str(older))
    sid = _send(emulator, 1)[0]
    assert emulator.messages()[-1]["sid"] == sid
    assert emulator.store.db.execute("PRAGMA page_size").fetchone()[0] == 4096
    emulator.close()
