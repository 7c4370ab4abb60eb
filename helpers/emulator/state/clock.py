"""The emulator's clock: manual (the default, so runs replay exactly) or following wall time.

A manual clock starts at ``START`` (Mon, 06 Jan 2025 15:00:00 +0000) and moves only when
``advance(seconds)`` is called. ``Clock(real=True)`` follows the wall clock; ``advance`` still
adds an offset. When the emulator keeps its state in a file, the offset lives in that sqlite
file so every process sharing it sees the same time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

START = datetime(2025, 1, 6, 15, 0, 0, tzinfo=UTC)
YEAR = 365.25 * 24 * 3600
MAX_ADVANCE = 10 * YEAR
"""Seconds one ``advance`` may add (a course needs days, not centuries)."""
MAX_OFFSET = 100 * YEAR
"""Seconds all advances together may add: dates stay printable (year <= 9999) and finite."""
log = logging.getLogger(__name__)


class Clock:
    """``now()`` is ``START`` (or the wall clock) plus every ``advance`` so far."""

    def __init__(self, real: bool = False, start: datetime = START):
        self.real = real
        self._start = start.timestamp()
        self._offset = 0.0
        self._lock = threading.Lock()
        self._shared = None
        self._listeners: list[Callable[[], None]] = []

    def share(self, store) -> None:
        """Keep the offset in ``store`` (``get_offset``/``add_offset``/``set_offset``).

        An offset out of range (saved by an older emulator, or edited by hand) is repaired:
        NaN or negative becomes 0, more than ``MAX_OFFSET`` becomes ``MAX_OFFSET``.
        """
        self._shared = store
        offset = store.get_offset()
        if not 0 <= offset <= MAX_OFFSET:
            repaired = MAX_OFFSET if offset > MAX_OFFSET else 0.0
            store.set_offset(repaired)
            log.warning("The state file's clock offset %r was out of range (0 to %d s): "
                        "repaired to %d s.", offset, MAX_OFFSET, repaired)

    def on_advance(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every ``advance`` (the emulator applies due status changes)."""
        self._listeners.append(listener)

    @property
    def offset(self) -> float:
        return self._shared.get_offset() if self._shared else self._offset

    def timestamp(self) -> float:
        """Seconds since the Unix epoch, as the emulator sees it."""
        base = time.time() if self.real else self._start
        return base + (self._shared.get_offset() if self._shared else self._offset)

    def now(self) -> datetime:
        """The emulator's current time (an aware UTC datetime)."""
        return datetime.fromtimestamp(self.timestamp(), UTC)

    def advance(self, seconds: float) -> datetime:
        """Move time forward by ``seconds`` and return the new ``now()``."""
        if not 0 <= seconds <= MAX_ADVANCE:  # NaN or infinity would break every later now()
            raise ValueError(f"advance() needs a number of seconds from 0 to {MAX_ADVANCE:.0f} "
                             f"(10 years), got {seconds}")
        with self._lock:
            if self.offset + seconds > MAX_OFFSET:
                raise ValueError(f"The clock is {self.offset:.0f} s ahead already; it may be at "
                                 f"most {MAX_OFFSET:.0f} s (100 years) ahead: reset it first.")
            if self._shared:
                self._shared.add_offset(seconds)
            else:
                self._offset += seconds
        for listener in self._listeners:
            listener()
        return self.now()

    def reset(self) -> None:
        """Back to ``START`` (manual) or the wall clock (real)."""
        with self._lock:
            if self._shared:
                self._shared.set_offset(0.0)
            self._offset = 0.0
