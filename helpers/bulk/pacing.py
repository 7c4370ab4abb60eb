"""Pacing: clocks and a per-segment token bucket that keeps a sender within its rate."""

from __future__ import annotations

import threading
import time
from collections import deque

MIN_SLEEP = 1e-4  # a wait shorter than this (float noise) still makes progress


class RealClock:
    """Wall-clock time: `now()` in epoch seconds, `sleep()` really waits."""

    simulated = False

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class EmulatorClock:
    """The emulator's time. On its manual clock `sleep()` advances that clock instead of
    waiting, so a paced run takes no real time; on a real-time clock it really waits."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.simulated = not getattr(emulator.clock, "real", False)

    def now(self) -> float:
        return self.emulator.clock.timestamp()

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        if self.simulated:
            self.emulator.clock.advance(seconds)
        else:
            time.sleep(seconds)


class TokenBucket:
    """Grants send capacity at `rate` units (segments) per second.

    Two rules together: a token bucket (refilled at `rate`, holding at most `burst`) spreads sends
    evenly, and a one-second log caps every window of `window` seconds at `rate * window` units,
    so a late wake-up can catch up without ever exceeding the rate. A message needing more units
    than one window holds is granted alone once the window is empty (Twilio splits it anyway).
    """

    def __init__(self, rate: float, clock=None, burst: float | None = None, window: float = 1.0):
        if rate <= 0:
            raise ValueError(f"rate must be positive messages per second, got {rate!r}")
        self.rate = float(rate)
        self.clock = clock or RealClock()
        self.burst = float(burst) if burst is not None else max(1.0, self.rate / 10)
        self.window = window
        self.capacity = self.rate * window
        self._tokens = self.burst
        self._last = None
        self._log: deque[tuple[float, float]] = deque()
        self._in_window = 0.0
        self._lock = threading.Lock()

    def acquire(self, units: float = 1, on_grant=None) -> float:
        """Wait until `units` may be sent; return the grant time. `on_grant` runs in the lock."""
        with self._lock:
            while True:
                now = self.clock.now()
                wait = self._wait(now, units)
                if wait <= 0:
                    break
                self.clock.sleep(max(wait, MIN_SLEEP))
            self._tokens -= units
            self._log.append((now, units))
            self._in_window += units
            if on_grant is not None:
                on_grant()
            return now

    def _wait(self, now: float, units: float) -> float:
        if self._last is None:
            self._last = now
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        while self._log and self._log[0][0] + self.window <= now:
            self._in_window -= self._log.popleft()[1]
        bucket_wait = (min(units, self.burst) - self._tokens) / self.rate
        window_wait = 0.0
        if self._log and self._in_window + units > self.capacity:
            excess, expiry = self._in_window + units - self.capacity, self._log[0][0]
            for granted_at, granted in self._log:
                expiry, excess = granted_at, excess - granted
                if excess <= 0:
                    break
            window_wait = expiry + self.window - now
        return max(bucket_wait, window_wait)
