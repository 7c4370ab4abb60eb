"""Chaos for teaching and benchmarks: added latency and seeded 429/500/timeout injection.

Each request draws one outcome from a ``random.Random(seed)``, so a run with the same seed
and the same sequence of calls sees the same failures.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

OK, TOO_MANY_REQUESTS, SERVER_ERROR = "ok", "429", "500"
CONNECT_TIMEOUT, READ_TIMEOUT = "connect-timeout", "read-timeout"
RETRY_AFTER_SECONDS = "1"
MAX_LATENCY = 10.0
"""Seconds of added latency at most: more would hang every client (their timeouts are ~10 s)."""
MAX_SEED = 2**63 - 1


class ChaosTimeout(Exception):  # noqa: N818 - mirrors requests' ConnectTimeout/ReadTimeout
    """The request timed out: before reaching Twilio (``processed`` False) or after it."""

    def __init__(self, processed: bool):
        self.processed = processed
        super().__init__("read timed out" if processed else "connect timed out")


@dataclass(frozen=True)
class ChaosSettings:
    latency: float = 0.0
    p429: float = 0.0
    p500: float = 0.0
    ptimeout: float = 0.0
    seed: int = 0

    def __post_init__(self):
        """Validate every field before anything uses them: a bad one changes nothing."""
        for name in ("latency", "p429", "p500", "ptimeout"):
            if isinstance(getattr(self, name), bool) or not isinstance(getattr(self, name),
                                                                       int | float):
                raise ValueError(f"{name} must be a number, got {getattr(self, name)!r}")
        if not 0 <= self.latency <= MAX_LATENCY:  # NaN would fail every request's sleep
            raise ValueError(f"latency must be a number of seconds from 0 to {MAX_LATENCY:g}, "
                             f"got {self.latency}")
        for name in ("p429", "p500", "ptimeout"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} is a probability between 0 and 1, got {value}")
        if (isinstance(self.seed, bool) or not isinstance(self.seed, int)
                or not 0 <= self.seed <= MAX_SEED):
            raise ValueError(f"seed must be a whole number from 0 to 2**63-1, got {self.seed!r}")
        if self.p429 + self.p500 + self.ptimeout > 1.0:
            raise ValueError("p429 + p500 + ptimeout must not exceed 1")


class Chaos:
    """Draws each request's fate from the current settings."""

    def __init__(self):
        self._lock = threading.Lock()
        self.configure(ChaosSettings())

    def configure(self, settings: ChaosSettings) -> None:
        with self._lock:
            self.settings = settings
            self._random = random.Random(settings.seed)
            self.latency = settings.latency
            self.active = bool(settings.p429 or settings.p500 or settings.ptimeout)

    def draw(self) -> str:
        """One of OK, TOO_MANY_REQUESTS, SERVER_ERROR, CONNECT_TIMEOUT, READ_TIMEOUT."""
        if not self.active:
            return OK
        s = self.settings
        with self._lock:
            roll, coin = self._random.random(), self._random.random()
        if roll < s.p429:
            return TOO_MANY_REQUESTS
        if roll < s.p429 + s.p500:
            return SERVER_ERROR
        if roll < s.p429 + s.p500 + s.ptimeout:
            return CONNECT_TIMEOUT if coin < 0.5 else READ_TIMEOUT
        return OK
