"""Requests/s for message creation over HTTP: the real twilio Client against the emulator server.

    .venv/bin/python benchmarks/bench_server.py [--clients 8] [--messages 250]

Prints one line per concurrency level; the server runs in this process (uvicorn in a thread)
on a throwaway sqlite file, with a manual clock, exactly as the tests start it.
"""

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from twilio.rest import Client

from helpers.emulator import Emulator
from helpers.emulator.seed import DEFAULT_TO, UPGRADED
from helpers.emulator.state.clock import Clock
from helpers.emulator.transports.http.app import create_app
from helpers.emulator.transports.http.auth import new_admin_key
from helpers.emulator.transports.remote import EmulatorServerHttpClient
from helpers.webserver import BackgroundServer

SHORT_CODE = UPGRADED.number("short_code").phone_number


def send(url: str, count: int) -> None:
    client = Client(UPGRADED.sid, UPGRADED.auth_token, http_client=EmulatorServerHttpClient(url))
    for n in range(count):
        client.messages.create(body=f"bench {n}", from_=SHORT_CODE, to=DEFAULT_TO)


def measure(url: str, clients: int, messages: int) -> float:
    """Creates per second with `clients` threads each sending `messages`."""
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda _: send(url, messages), range(clients)))
    return clients * messages / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="most concurrent clients")
    parser.add_argument("--messages", type=int, default=250, help="messages per client")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        emulator = Emulator(str(Path(folder) / "bench.sqlite"), clock=Clock())
        app = create_app(emulator, new_admin_key(), deliver_callbacks=False)
        with BackgroundServer(app) as server:
            send(server.url, 20)  # warm up: imports, connection pool, sqlite pages
            levels = sorted({1, max(1, args.clients // 2), args.clients})
            for clients in levels:
                rate = measure(server.url, clients, args.messages)
                print(f"{clients:3d} client(s) x {args.messages} creates: {rate:8.1f} requests/s")


if __name__ == "__main__":
    main()
