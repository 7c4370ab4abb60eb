"""The emulator server against a fixed-response floor, measured in one run (issue 16).

    .venv/bin/python benchmarks/bench_server.py [--creates 600] [--rounds 10] [--seconds 10]
        [--rss-creates 100000]

Both servers run as their own processes on this machine: the floor is Python's `http.server`
answering every request with one fixed Message JSON (no parsing, no state); the emulator is
`python -m helpers.emulator serve` on a throwaway state file, with its authentication and limits
on, exactly as a room meets it. Printed, each as a ratio to the floor's figure in this run:

- sequential creates through twilio-python (one client, one connection, as a notebook sends),
  in `--rounds` short alternating rounds (floor, emulator, floor, ...), so a moment of noise
  on the machine weighs on both; the emulator's creates in all add up to several of its own
  log checkpoints (state/checkpoints.py), which they pay for;
- wrk, 2 threads and 8 connections POSTing a create (needs `wrk`: `apt install wrk`), with
  the count of non-2xx answers;
- the emulator's RSS after `--rss-creates` creates.

Prism 5.14.2 serving twilio-oai, measured in issue 16 on the same kind of machine, for
reference: 104-160 sequential creates/s, 246-263 wrk requests/s, 198 MB.
"""

import argparse
import base64
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from twilio.rest import Client

from helpers.emulator.seed import DEFAULT_TO, UPGRADED
from helpers.emulator.transports.http.auth import new_admin_key
from helpers.emulator.transports.remote import EmulatorServerHttpClient

REPO = Path(__file__).resolve().parents[1]
SHORT_CODE = UPGRADED.number("short_code").phone_number
CREATE_PATH = f"/2010-04-01/Accounts/{UPGRADED.sid}/Messages.json"
FORM = f"To={DEFAULT_TO.replace('+', '%2B')}&From={SHORT_CODE}&Body=bench"
PRISM = {"sequential": "104-160", "wrk": "246-263", "rss": "198 MB"}

FLOOR = '''
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
BODY = sys.argv[2].encode()
class Fixed(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 65536  # head and body in one write, as a real server sends them
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)
    def log_message(self, *args):
        pass
    def handle(self):
        try:
            super().handle()
        except ConnectionError:
            pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Fixed).serve_forever()
'''

WRK_SCRIPT = '''
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic {auth}"
wrk.body = "{form}"
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port} after 30 s")


def client_for(url: str) -> Client:
    return Client(UPGRADED.sid, UPGRADED.auth_token, http_client=EmulatorServerHttpClient(url))


def sequential(urls: list[str], creates: int, rounds: int) -> list[float]:
    """Creates per second through twilio-python, one after another, for each of `urls`:
    `rounds` rounds of `creates`, the targets taking turns."""
    clients = [client_for(url) for url in urls]
    elapsed = [0.0] * len(urls)
    for client in clients:
        client.messages.create(body="warm up", from_=SHORT_CODE, to=DEFAULT_TO)
    for _ in range(rounds):
        for index, client in enumerate(clients):
            started = time.perf_counter()
            for _ in range(creates):
                client.messages.create(body="bench", from_=SHORT_CODE, to=DEFAULT_TO)
            elapsed[index] += time.perf_counter() - started
    return [creates * rounds / seconds for seconds in elapsed]


def wrk(url: str, seconds: float, folder: Path) -> tuple[float, int, int]:
    """wrk's requests/s, its request count and its non-2xx answers."""
    auth = base64.b64encode(f"{UPGRADED.sid}:{UPGRADED.auth_token}".encode()).decode()
    script = folder / "create.lua"
    script.write_text(WRK_SCRIPT.format(auth=auth, form=FORM))
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds:g}s", "-s", str(script),
                          url + CREATE_PATH], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, total, int(bad.group(1)) if bad else 0


def start(command: list[str], port: int, env: dict | None = None) -> subprocess.Popen:
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creates", type=int, default=600, help="sequential creates a round")
    parser.add_argument("--rounds", type=int, default=10, help="sequential rounds each")
    parser.add_argument("--seconds", type=float, default=10, help="each wrk run")
    parser.add_argument("--rss-creates", type=int, default=100_000,
                        help="creates before the emulator's memory is read (0: skip)")
    args = parser.parse_args()
    has_wrk = shutil.which("wrk") is not None
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        emulator_port, floor_port = free_port(), free_port()
        env = dict(os.environ, TWILIO_EMULATOR_ADMIN_KEY=new_admin_key())
        processes = []
        try:
            processes.append(start([sys.executable, "-m", "helpers.emulator", "serve", "--port",
                                    str(emulator_port), "--db", str(folder / "bench.sqlite")],
                                   emulator_port, env))
            emulator, emulator_url = processes[0], f"http://127.0.0.1:{emulator_port}"
            first = client_for(emulator_url)
            reply = first.messages.create(body="bench", from_=SHORT_CODE, to=DEFAULT_TO)
            fixed = first.http_client.last_response.text  # a real create's JSON, served as is
            assert reply.sid in fixed
            processes.append(start([sys.executable, "-c", FLOOR, str(floor_port), fixed],
                                   floor_port))
            floor_url = f"http://127.0.0.1:{floor_port}"
            figures = {"sequential": tuple(sequential([floor_url, emulator_url], args.creates,
                                                      args.rounds))}
            if has_wrk:
                floor_rate = wrk(floor_url, args.seconds, folder)[0]
                rate, total, bad = wrk(emulator_url, args.seconds, folder)
                figures["wrk"] = (floor_rate, rate)
            print(f"{'':34}{'floor':>10}{'emulator':>10}{'ratio':>8}   Prism (issue 16)")
            for name, label in (("sequential", "sequential creates/s (twilio-python)"),
                                ("wrk", "wrk requests/s (2 threads, 8 conns)")):
                if name in figures:
                    base, ours = figures[name]
                    print(f"{label:34}{base:10.0f}{ours:10.0f}{ours / base:8.2f}   "
                          f"{PRISM[name]}")
            if has_wrk:
                print(f"wrk: {total} creates, {bad} non-2xx answers")
            else:
                print("wrk: not installed (apt install wrk), its figures skipped")
            if args.rss_creates:
                done = 0
                while has_wrk and done < args.rss_creates:
                    done += wrk(emulator_url, 10, folder)[1]
                client = client_for(emulator_url)
                while done < args.rss_creates:  # without wrk: slower, same count
                    client.messages.create(body="bench", from_=SHORT_CODE, to=DEFAULT_TO)
                    done += 1
                rss = psutil.Process(emulator.pid).memory_info().rss / 2**20
                print(f"emulator RSS after {done} creates: {rss:.0f} MB "
                      f"(Prism: {PRISM['rss']})")
        finally:
            for process in processes:
                process.terminate()
                process.wait(10)


if __name__ == "__main__":
    main()
