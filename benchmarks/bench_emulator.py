"""Creates per second through the real twilio Client: emulator vs a no-op HttpClient (floor).

    .venv/bin/python benchmarks/bench_emulator.py [--n 500] [--rounds 40] [--file] [--profile]

The floor answers every request with a canned 201 message, so it measures the twilio
library's own cost; the ratio says how much of that speed the emulator keeps (a guard, not a
target: >= 30% in memory; see ARCHITECTURE.md).
Both sides run in many short alternating rounds, timed in CPU seconds of this process, and
the best round of each counts: on a shared machine a few long rounds gave ratios 10 points
apart from one run to the next, 40 short ones agree within about 3.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import tempfile
import time

from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from helpers.emulator import Emulator, EmulatorHttpClient, seed


class NoopHttpClient(HttpClient):
    """Answers every request with the same 201 body, doing no work."""

    def __init__(self, text: str, headers: dict):
        super().__init__(None, is_async=False)
        self.response = Response(201, text, headers)

    def request(self, method, url, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        return self.response


def creates_per_second(client: Client, n: int) -> float:
    """Creates per second of this process's CPU time (steadier than wall time on a busy box)."""
    start = time.process_time()
    for i in range(n):
        client.messages.create(body=f"Reminder {i}: your order shipped", from_=seed.DEFAULT_FROM,
                               to=seed.DEFAULT_TO)
    return n / (time.process_time() - start)


def warmed_clients(emulator: Emulator, warm_up: int = 200) -> tuple[Client, Client]:
    """(a client on ``emulator``, a client on a no-op HttpClient answering the emulator's
    own 201), each warmed up (phone parsing, segment counts, the library's imports)."""
    transport = EmulatorHttpClient(emulator)
    client = Client(seed.TRIAL.sid, seed.TRIAL.auth_token, http_client=transport)
    creates_per_second(client, warm_up)
    canned = transport.last_response
    floor_client = Client(seed.TRIAL.sid, seed.TRIAL.auth_token,
                          http_client=NoopHttpClient(canned.text, canned.headers))
    creates_per_second(floor_client, warm_up)
    return client, floor_client


def page_faults_per_create(client: Client, n: int) -> float:
    """Minor page faults per create: a store that keeps every message grows into new memory
    pages, and each first touch of a page costs the kernel time (counted in CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    creates_per_second(client, n)
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="creates per round and side")
    parser.add_argument("--rounds", type=int, default=40, help="alternating rounds; best counts")
    parser.add_argument("--file", action="store_true", help="sqlite file (WAL) instead of memory")
    parser.add_argument("--profile", action="store_true",
                        help="also print where one emulated round spends its time (cProfile)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.db") if args.file else ":memory:"
        emulator = Emulator(path, queue_window=10 * args.n * args.rounds)
        client, floor_client = warmed_clients(emulator)
        floor = emulated = 0.0
        for _ in range(args.rounds):  # alternate, keep the best: other load hits both sides
            floor = max(floor, creates_per_second(floor_client, args.n))
            emulated = max(emulated, creates_per_second(client, args.n))
        faults = page_faults_per_create(floor_client, 5 * args.n), page_faults_per_create(
            client, 5 * args.n)
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(creates_per_second, client, args.n)
            pstats.Stats(profile).sort_stats("tottime").print_stats(20)
        emulator.close()
    store = "sqlite file, WAL" if args.file else "in memory"
    print(f"creates/s, no-op HttpClient (floor): {floor:,.0f}")
    print(f"creates/s, emulator ({store}):  {emulated:,.0f}")
    print(f"ratio emulator/floor: {emulated / floor:.0%} (guard: >= 30% in memory)")
    print(f"page faults per create: floor {faults[0]:.2f}, emulator {faults[1]:.2f}")


if __name__ == "__main__":
    main()
