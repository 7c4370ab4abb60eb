"""`Checkpointer`: copies a state file's write-ahead log into the database from a thread of
its own, so a busy server's requests do not wait for the disk.

In WAL mode each commit is appended to `<file>-wal` (a killed process loses nothing: the
pages are in the log, which every reader sees). A *checkpoint* copies the log's pages back
into the database and syncs both files to disk. By default the connection that commits does
it once the log holds 1,000 pages, inside whichever request crossed the line; on this
course's 2-core machines that was a third of a create's time (benchmarks/bench_server.py).

While a `Checkpointer` runs, the server's connection checkpoints only at `WRITER_PAGES`,
and this thread checkpoints (PASSIVE: it never blocks a reader or a writer) `delay` seconds
after writes. When the writer reaches its larger mark nearly every page is copied already,
so its checkpoint is short; it is still needed, because sqlite starts the log over only
when all of it has been copied, which a checkpoint racing a busy writer seldom sees. So the
log stays bounded, and durability is sqlite's own (`synchronous=NORMAL`) either way.
"""

import logging
import sqlite3
import threading

WRITER_PAGES = 10_000
"""Log pages (1 KiB each in new files: store.PAGE_SIZE) at which the writer checkpoints
itself while a thread does too."""

log = logging.getLogger(__name__)


class Checkpointer:
    """A thread checkpointing `path`'s log `delay` seconds after each `wrote()`."""

    def __init__(self, path: str, delay: float = 0.05):
        self.path = path
        self.delay = delay
        self._wrote = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Condition()
        self._checkpointing = False
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoints", daemon=True)

    def start(self) -> "Checkpointer":
        self._thread.start()
        return self

    def wrote(self) -> None:
        """Something was committed: checkpoint soon."""
        if not self._wrote.is_set():
            self._wrote.set()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every write announced so far is checkpointed (tests use this)."""
        with self._idle:
            return self._idle.wait_for(
                lambda: not self._wrote.is_set() and not self._checkpointing, timeout)

    def stop(self) -> None:
        self._stop.set()
        self._wrote.set()
        self._thread.join()

    def _run(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            while self._wrote.wait() and not self._stop.wait(self.delay):
                with self._idle:
                    self._checkpointing = True
                    self._wrote.clear()  # a write from now on asks for the next pass
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error as error:  # the writer's own checkpoint still runs
                    log.warning("background checkpoint of %s failed: %s", self.path, error)
                with self._idle:
                    self._checkpointing = False
                    self._idle.notify_all()
        finally:
            db.close()
