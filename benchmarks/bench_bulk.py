"""Bulk send vs the seed's plain loop: 1,000 recipients, 200 ms API latency, a 100 MPS short code.

    .venv/bin/python benchmarks/bench_bulk.py [--recipients 1000] [--latency 0.2] [--http]

Prints the wall time of `send_bulk` (real-time pacing, default workers), the ceiling N/MPS (the
fastest a 100 MPS sender may go), their ratio (target <= 1.15), and the seed's one-at-a-time
loop on the same setup, measured on `--loop-sample` recipients and extrapolated. The latency is
the emulator's chaos latency, really slept per request (in the transport, or in the server with
--http, which runs the emulator server in this process and talks to it over loopback HTTP).
"""

import argparse
import contextlib
import tempfile
import time
from collections import Counter
from pathlib import Path

from twilio.rest import Client

from helpers.bulk import RealClock, send_bulk
from helpers.emulator import Emulator, EmulatorHttpClient
from helpers.emulator.seed import UPGRADED

SHORT_CODE = UPGRADED.number("short_code").phone_number
BODY = "Flash sale: 20% off everything until midnight!"


def recipients(count: int, start: int = 1000) -> list[str]:
    return [f"+1202555{start + i:04d}" for i in range(count)]


@contextlib.contextmanager
def emulator_client(folder: str, http: bool):
    """A genuine twilio Client on a fresh emulator, in process or over HTTP."""
    emulator = Emulator(str(Path(folder) / "emulator.sqlite"))
    if not http:
        yield emulator, Client(UPGRADED.sid, UPGRADED.auth_token,
                               http_client=EmulatorHttpClient(emulator))
        return
    from helpers.emulator.transports.http.app import create_app
    from helpers.emulator.transports.http.auth import new_admin_key
    from helpers.emulator.transports.remote import EmulatorServerHttpClient
    from helpers.webserver import BackgroundServer

    app = create_app(emulator, new_admin_key(), deliver_callbacks=False)
    with BackgroundServer(app) as server:
        yield emulator, Client(UPGRADED.sid, UPGRADED.auth_token,
                               http_client=EmulatorServerHttpClient(server.url))


def plain_loop(client, numbers: list[str]) -> float:
    """The seed's loop: one create after another. Returns seconds taken."""
    started = time.perf_counter()
    for number in numbers:
        client.messages.create(body=BODY, from_=SHORT_CODE, to=number)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds added per request")
    parser.add_argument("--loop-sample", type=int, default=50, help="recipients for the loop")
    parser.add_argument("--workers", type=int, default=None, help="default: send_bulk's choice")
    parser.add_argument("--http", action="store_true", help="through the emulator HTTP server")
    args = parser.parse_args()
    n = args.recipients
    with tempfile.TemporaryDirectory() as folder, emulator_client(folder, args.http) as (
            emulator, client):
        emulator.set_chaos(latency=args.latency)
        plain_loop(client, recipients(5, start=9000))  # warm up imports and connections
        started = time.perf_counter()
        result = send_bulk(client, recipients(n), BODY, from_=SHORT_CODE,
                           ledger=str(Path(folder) / "ledger.sqlite"), workers=args.workers,
                           clock=RealClock(), progress=False)
        wall = time.perf_counter() - started
        loop = plain_loop(client, recipients(args.loop_sample, start=5000))
        created = Counter(m["to"] for m in emulator.outbox(UPGRADED.sid))
    ceiling = n / result.plan.mps
    loop_total = loop * n / args.loop_sample
    transport = "emulator HTTP server (loopback)" if args.http else "in-process transport"
    print(f"bulk send: {n} recipients, {args.latency * 1000:.0f} ms latency, "
          f"short code {result.plan.mps:g} MPS, {transport}")
    print(f"  send_bulk wall time   {wall:8.2f} s")
    print(f"  ceiling N/MPS         {ceiling:8.2f} s")
    print(f"  ratio                 {wall / ceiling:8.3f}   (target <= 1.15)")
    print(f"  outcomes              {dict(result.counts)}, "
          f"max messages per recipient {max(created[to] for to in recipients(n))}")
    print(f"  seed's plain loop     {args.loop_sample} in {loop:.2f} s -> {n} in "
          f"~{loop_total:.0f} s (extrapolated), {loop_total / wall:.1f}x slower")


if __name__ == "__main__":
    main()
