"""A room of hostile clients (issue 14, items 4-5): thousands of malformed requests to every
route of a real `python -m helpers.emulator serve` process, plus raw-socket garbage and
half-sent requests. No answer is a 500, every request is answered within a second, the
server's memory stays bounded and its log holds no traceback."""

import json
import os
import random
import re
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psutil
import pytest

from helpers.emulator.seed import DEFAULT_TO, TRIAL, UPGRADED
from tests.instructor import ADMIN_KEY, BEARER, KEYS

pytestmark = pytest.mark.xdist_group("hostile")  # alone on a worker: it measures memory

REPO = Path(__file__).resolve().parents[2]
REQUESTS = 5200
SEED = 14
TIMEOUT = 1.0  # seconds per request: each must be answered within it
RSS_BOUND_MB = 100
FROM = UPGRADED.number("short_code").phone_number


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The server as a room meets it: its own process, its log in a file."""
    folder = tmp_path_factory.mktemp("hostile")
    log = (folder / "server.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "helpers.emulator", "serve", "--port", "0", "--room",
         "--db", str(folder / "state.sqlite")],
        cwd=REPO, stdout=subprocess.PIPE, stderr=log, text=True,
        env=dict(os.environ, TWILIO_EMULATOR_ADMIN_KEY=ADMIN_KEY))
    banner = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", banner)
    assert match, banner
    yield process, int(match.group(1)), Path(log.name)
    process.terminate()
    process.wait(10)
    log.close()


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


# -- generated malformed requests -------------------------------------------------------------
def junk(rng: random.Random, longest: int = 64) -> str:
    size = rng.choice([0, 1, 5, 20, longest, rng.randint(0, longest)])
    if size > 100:  # long: a short random piece repeated (cheap to make)
        piece = junk(rng, 16) or "9"
        return (piece * (size // len(piece) + 1))[:size]
    kind = rng.random()
    if kind < 0.4:
        return "".join(rng.choice("abc+1234567890%&=?/.#[]{}\"' ") for _ in range(size))
    if kind < 0.7:
        return "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(size))
    return rng.choice(["", "null", "NaN", "1e400", "-1", "+15558675310", DEFAULT_TO, FROM,
                       "https://demo.twilio.com/owl.png", "http://", "\x00", "%ff%fe",
                       TRIAL.sid, UPGRADED.sid, "MM" + "0" * 32, "SM" + "f" * 32])


def twilio_request(rng: random.Random) -> dict:
    account = rng.choice([UPGRADED, TRIAL])
    sid = rng.choice([account.sid, junk(rng, 40), "AC" + "0" * 32])
    paths = [f"/2010-04-01/Accounts/{sid}/Messages.json",
             f"/2010-04-01/Accounts/{sid}.json",
             f"/2010-04-01/Accounts/{sid}/Messages/{junk(rng, 40)}.json",
             f"/2010-04-01/Accounts/{sid}/Messages/SM{'0' * 32}/Media.json",
             f"/2010-04-01/Accounts/{sid}/Messages/{junk(rng)}/Media/{junk(rng)}.json",
             f"/2010-04-01/Accounts/{sid}/IncomingPhoneNumbers.json",
             f"/2010-04-01/Accounts/{sid}/SMS/ShortCodes.json",
             f"/2010-04-01/Accounts/{sid}/OutgoingCallerIds.json",
             f"/2010-04-01/{junk(rng)}",
             "/_host/messaging/v1/Services", f"/_host/messaging/v1/Services/{junk(rng)}",
             f"/_host/{junk(rng, 10)}/v1/Services/MG{'0' * 32}/PhoneNumbers"]
    fields = ["To", "From", "Body", "MediaUrl", "StatusCallback", "MessagingServiceSid",
              "ValidityPeriod", "SmartEncoded", "PageSize", "Page", "DateSent", junk(rng, 8)]
    count = rng.choice([0, 1, 3, 8, 30, 150])
    longest = 64 if count > 8 else rng.choice([64, 2000, 20_000])
    data = [(rng.choice(fields), junk(rng, longest)) for _ in range(count)]
    if rng.random() < 0.05:
        data += [("MediaUrl", "https://e.com/a.png")] * rng.choice([11, 500, 20_000])
    auth = rng.choice([(account.sid, account.auth_token)] * 3
                      + [(junk(rng), junk(rng)), None, (account.sid, "x" * 5000)])
    request = {"method": rng.choice(["GET", "POST", "POST", "DELETE", "PUT"]),
               "url": rng.choice(paths), "auth": auth}
    if rng.random() < 0.2:
        request["params"] = [(key, value[:200]) for key, value in data[:20]]
    roll = rng.random()
    if roll < 0.6:
        request["content"] = urlencode(data).encode()
        request["headers"] = {"Content-Type": "application/x-www-form-urlencoded"}
    elif roll < 0.75:
        request["content"] = rng.randbytes(rng.choice([10, 1000, 100_000]))
    elif roll < 0.755:
        request["content"] = b"a" * (1024 * 1024 + 1)
    return request


def admin_request(rng: random.Random) -> dict:
    values = [-1, 0, 1.5, 1e300, 1e9, 2**70, True, None, "1", [], {}, [1] * 50,
              {"a": {"b": {"c": [1]}}}, junk(rng), "x" * 70_000, 0.5, 86400]
    bad = {"latency": rng.choice([1e9, -1, "1", None, 11, [], True])}
    payloads = {
        "/_emulator/clock": {"advance": rng.choice(values)},
        "/_emulator/chaos": {**{k: rng.choice(values) for k in rng.sample(
            ["p429", "p500", "ptimeout", "seed", "junk"], rng.randint(0, 3))}, **bad},
        "/_emulator/inbound": {k: rng.choice(values) for k in rng.sample(
            ["from", "to", "body", "media_urls", "x"], rng.randint(0, 5))},
    }
    path = rng.choice([*payloads, "/_emulator/health", "/_emulator/messages",
                       "/_emulator/session", "/_emulator/callbacks", f"/_emulator/{junk(rng)}"])
    request = {"method": rng.choice(["GET", "POST", "POST", "DELETE", "PATCH"]), "url": path,
               "params": {"account_sid": junk(rng, 200)} if rng.random() < 0.3 else None,
               "headers": credentials(rng)}
    if rng.random() < 0.8:
        request["headers"]["Content-Type"] = rng.choice(["application/json", "text/plain"])
    if request["method"] == "DELETE" and path == "/_emulator/messages":
        request["params"] = {"account_sid": TRIAL.sid}  # keep the room's messages mostly
    roll = rng.random()
    if roll < 0.5 and path in payloads:
        request["content"] = json.dumps(payloads[path]).encode()
    elif roll < 0.7:
        depth = rng.choice([10, 1000, 100_000])
        request["content"] = rng.choice([b"[" * depth, b'{"a":' * depth, b"[1," * depth])
    elif roll < 0.85:
        request["content"] = rng.choice([b"", b"null", b"[]", b"NaN", b'{"advance": Infinity}',
                                         rng.randbytes(200), b'{"seed": 1e400, "p500": 1}'])
    return request


def credentials(rng: random.Random) -> dict:
    """Mostly the instructor's key (so the checks behind it run too), else none or junk."""
    return rng.choice([dict(BEARER), dict(BEARER), dict(BEARER), {},
                       {"Authorization": f"Bearer {junk(rng)}"},
                       {"Authorization": f"Basic {junk(rng)}"},
                       {"Cookie": f"{KEYS.cookie}={junk(rng, 300)}"},
                       {"Origin": f"http://{junk(rng)}", **BEARER},
                       {"Host": junk(rng, 30)}])


def inbox_request(rng: random.Random) -> dict:
    path = rng.choice(["/", "/inbox", "/static/inbox.js", "/static/inbox.css",
                       f"/static/{junk(rng)}", "/static/../../etc/passwd",
                       "/static/%2e%2e/%2e%2e/README.md", "/_emulator/media",
                       "/_emulator/events", f"/{junk(rng)}", "/join"])
    params = rng.choice([None, {"url": junk(rng, 3000)}, {"account_sid": junk(rng)},
                         {"url": "https://demo.twilio.com/owl.png", "sid": junk(rng, 34)},
                         {"token": junk(rng)}, {"code": junk(rng, 12)}])
    request = {"method": rng.choice(["GET", "GET", "POST", "HEAD"]), "url": path,
               "params": params, "headers": credentials(rng)}
    if path == "/join" and request["method"] == "POST":
        code = KEYS.join_code if rng.random() < 0.5 else junk(rng, 12)
        request["content"] = urlencode({"code": code, "name": junk(rng, 60)}).encode()
    return request


def generated(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    makers = [twilio_request] * 5 + [admin_request] * 3 + [inbox_request] * 2
    return [rng.choice(makers)(rng) for _ in range(count)]


def send_all(port: int, requests: list[dict]) -> list[str]:
    """Send `requests`; the problems seen (a 5xx, no answer within TIMEOUT)."""
    problems = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=TIMEOUT) as client:
        for request in requests:
            where = f"{request['method']} {request['url'][:80]}"
            try:
                with client.stream(**request) as answer:  # streamed: /_emulator/events never ends
                    if answer.status_code >= 500:
                        answer.read()
                        problems.append(f"{where}: {answer.status_code} {answer.text[:200]}")
            except httpx.TimeoutException:
                problems.append(f"{where}: no answer within {TIMEOUT} s")
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
                pass  # the server closed a connection after refusing a request: an answer
            except (httpx.InvalidURL, httpx.LocalProtocolError, UnicodeEncodeError):
                pass  # httpx itself would not send it
    return problems


# -- raw sockets --------------------------------------------------------------------------------
def raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        try:
            sock.sendall(data)
            return sock.recv(4096)
        except ConnectionResetError:
            return b""


def raw_garbage(rng: random.Random) -> bytes:
    return rng.choice([
        rng.randbytes(rng.randint(1, 300)) + b"\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 100 + b"\r\n\r\n",  # TLS
        b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",  # a huge request line
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 30_000 + b"\r\n\r\n",  # huge header
        b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 5000 + b"\r\n",  # many headers
        b"POST /_emulator/clock HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"POST /_emulator/clock HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999\r\n\r\n",
        b"POST /_emulator/clock HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
    ])


def test_a_hostile_room_gets_no_500_and_bounded_memory(served):
    process, port, log_path = served
    requests = generated(REQUESTS, SEED)
    problems = send_all(port, requests[:200])  # warm up: caches, sqlite pages, threads
    before = rss_mb(process.pid)

    rng = random.Random(SEED)
    half_sent = []
    for n in range(300):  # half-sent heads and bodies, held open while the room sends
        sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        sock.sendall(b"POST /2010-04-01/Accounts/x/Messages.json HTTP/1.1\r\nHost: x\r\n"
                     + (b"Content-Length: 1000\r\n\r\nTo=" if n % 2 else b"X-Slow: "))
        half_sent.append(sock)
    for _ in range(200):
        answer = raw(port, raw_garbage(rng))
        assert not answer.startswith(b"HTTP/1.1 5"), answer[:200]

    chunks = [requests[200 + n::4] for n in range(4)]
    with ThreadPoolExecutor(4) as pool:
        for found in pool.map(lambda part: send_all(port, part), chunks):
            problems += found
    assert not problems, problems[:20]
    grown = rss_mb(process.pid) - before
    assert grown < RSS_BOUND_MB, f"the server grew by {grown:.0f} MB"

    for sock in half_sent:  # each client ends its half request: the server closes its side
        sock.settimeout(10)
        try:
            sock.shutdown(socket.SHUT_WR)
            while sock.recv(4096):  # a 408 if the request's deadline came first, then the end
                pass
        except ConnectionResetError:
            pass
        sock.close()
    with httpx.Client(timeout=TIMEOUT) as client:
        assert client.get(f"http://127.0.0.1:{port}/_emulator/health").json()["ok"]
        session = client.get(f"http://127.0.0.1:{port}/_emulator/session", headers=BEARER)
        assert session.json()["instructor"] is True
    log = log_path.read_text()
    assert "Traceback" not in log, log[-3000:]
    assert process.poll() is None
