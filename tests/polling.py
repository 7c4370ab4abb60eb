"""`wait_until`: the tests' one way to wait for something outside the emulator's clock.

The emulator's own state is driven by its clock, never waited for. What a test cannot drive is
another process or the network (a server closing sockets, a log line written by a server
thread, JupyterLab starting): those are polled, with a deadline, until the awaited fact holds.
"""

import time

POLL_S = 0.02


def wait_until(predicate, timeout: float, what: str = "the condition"):
    """Poll `predicate` until it returns something truthy (returned), or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        found = predicate()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        time.sleep(POLL_S)
