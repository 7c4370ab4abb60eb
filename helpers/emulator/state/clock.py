"""The emulator's clock: manual (the default, so runs replay exactly) or following wall time.

A manual clock starts at ``START`` (Mon, 06 Jan 2025 15:00:00 +0000) and moves only when
``advance(seconds)`` is called. ``Clock(real=True)`` follows the wall clock; ``advance`` still
adds an offset. When the emulator keeps its state in a file, the offset lives in that sqlite
file so every process sharing it sees the same time.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

START = datetime(2025, 1, 6, 15, 0, 0, tzinfo=UTC)


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
        """Keep the offset in ``store`` (``get_offset``/``add_offset``/``set_offset``)."""
        self._shared = store

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
        if not 0 <= seconds < math.inf:  # NaN or infinity would break every later now()
            raise ValueError(f"advance() needs a finite number of seconds >= 0, got {seconds}")
        with self._lock:
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
