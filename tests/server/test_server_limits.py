"""Limits of the HTTP server before any work (issue 14, items 4-5): body size and time,
half-sent requests, bounded admin inputs that change nothing when refused."""

import json
import logging
import socket
import time

import httpx
import pytest
import requests

from helpers.emulator.seed import DEFAULT_TO, UPGRADED
from helpers.emulator.transports.http.limits import MAX_BODY_BYTES
from helpers.webserver import MAX_HEAD_BYTES, BoundedHttpProtocol
from tests.instructor import BEARER
from tests.waiting import LogRecords

JSON = {"Content-Type": "application/json"}

MESSAGES = f"/2010-04-01/Accounts/{UPGRADED.sid}/Messages.json"
AUTH = (UPGRADED.sid, UPGRADED.auth_token)
FROM = UPGRADED.number("short_code").phone_number


def http(server):
    return httpx.Client(base_url=server.url, timeout=5, headers=BEARER)


def create(client):
    return client.post(MESSAGES, auth=AUTH, data={"To": DEFAULT_TO, "From": FROM, "Body": "hi"})


def test_a_body_over_1_mb_is_413_with_a_twilio_shaped_error(server):
    with http(server) as client:
        answer = client.post(MESSAGES, auth=AUTH, content=b"x" * (50 * 1024 * 1024))
        assert answer.status_code == 413
        assert set(answer.json()) == {"code", "message", "more_info", "status"}
        assert str(MAX_BODY_BYTES) in answer.json()["message"]
        assert create(client).status_code == 201


def test_a_streamed_body_over_1_mb_is_413(server):
    def chunks():
        for _ in range(40):
            yield b"MediaUrl=" + b"a" * 65536 + b"&"
    with http(server) as client:
        answer = client.post(MESSAGES, auth=AUTH, content=chunks())
        assert answer.status_code == 413


def test_many_media_urls_over_http_are_21623_quickly(server):
    media = "&".join(["MediaUrl=https://e.com/a.png"] * 30_000)
    body = f"To={DEFAULT_TO}&From={FROM}&Body=hi&{media}"
    with http(server) as client:
        started = time.perf_counter()
        answer = client.post(MESSAGES, auth=AUTH, content=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert answer.json()["code"] == 21623
        assert time.perf_counter() - started < 2


def _half_sent(server, data: bytes) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=5)
    sock.sendall(data)
    return sock


def test_half_sent_requests_are_closed_with_one_log_line(server, monkeypatch, caplog):
    monkeypatch.setattr(BoundedHttpProtocol, "request_timeout", 0.3)
    caplog.set_level(logging.WARNING)
    silent = socket.create_connection((server.host, server.port), timeout=5)
    head = _half_sent(server, b"POST " + MESSAGES.encode() + b" HTTP/1.1\r\nHost: x\r\n")
    body = _half_sent(server, b"POST " + MESSAGES.encode() + b" HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Length: 100\r\n\r\nTo=")
    assert silent.recv(100) == b""  # closed by the server, no answer
    assert head.recv(100) == b""
    answer = body.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 408")
    assert json.loads(answer.split("\r\n\r\n", 1)[1]) == {
        "code": None, "message": "Request body not received within 0.3 s.", "more_info": None,
        "status": 408}
    assert body.recv(100) == b""  # and closed: each line was logged before its close
    for sock in (silent, head, body):
        sock.close()
    lines = [record.getMessage() for record in caplog.records]
    assert sum("sent no complete request within 0.3 s" in line for line in lines) == 2, lines
    assert sum("body not received within 0.3 s; answered 408" in line for line in lines) == 1
    assert len(lines) == 3, lines
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("chunks", [1, 40])  # at once, or trickled in pieces
def test_a_request_head_over_16_kb_is_400_and_closed(server, chunks):
    head = (b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
            + b"b" * MAX_HEAD_BYTES + b"\r\n\r\n")
    with socket.create_connection((server.host, server.port), timeout=5) as sock:
        step = len(head) // chunks + 1
        try:
            for start in range(0, len(head), step):
                sock.sendall(head[start:start + step])
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed while we were still sending: fine, if it answered first
        answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 400"), answer[:100]
        assert sock.recv(4096) == b""  # and closed
    fits = requests.get(f"{server.url}/_emulator/health", timeout=5,
                        headers={"X-Big": "b" * (MAX_HEAD_BYTES // 2)})
    assert fits.status_code == 200


def test_a_client_gone_mid_body_costs_one_line_not_a_traceback(server):
    with LogRecords("") as records:  # the server's thread logs it once the FIN arrives
        sock = _half_sent(server, b"POST " + MESSAGES.encode() + b" HTTP/1.1\r\nHost: x\r\n"
                          b"Content-Length: 100\r\n\r\nTo=")
        sock.close()  # after the head and part of the body, which the server reads first
        records.wait_for(lambda: records.messages, 5, "the one log line")
    assert len(records.messages) == 1, records.messages
    assert "went away before sending its body" in records.messages[0]
    assert "Traceback" not in records.messages[0]


@pytest.mark.parametrize(("path", "payload"), [
    ("/_emulator/clock", {"advance": 1e300}),
    ("/_emulator/clock", {"advance": 11 * 365.25 * 86400}),
    ("/_emulator/chaos", {"latency": 1e9}),
    ("/_emulator/chaos", {"latency": 1, "p500": 1.5}),
    ("/_emulator/chaos", {"p500": 1, "seed": 1.5}),
    ("/_emulator/inbound", {"from": "+1" * 100_000, "to": DEFAULT_TO, "body": "hi"}),
])
def test_a_bad_admin_value_is_400_naming_the_range_and_changes_nothing(server, path, payload):
    with http(server) as client:
        before = client.get("/_emulator/clock").json()
        answer = client.post(path, json=payload)
        assert answer.status_code == 400
        assert any(word in answer.json()["error"] for word in ("from 0 to", "0-", "at most"))
        assert client.get("/_emulator/clock").json() == before
        assert server.emulator.chaos.settings.p500 == 0
        assert server.emulator.chaos.latency == 0
        assert create(client).status_code == 201


def test_seed_1e400_is_400_and_the_chaos_is_not_applied(server):
    with http(server) as client:
        answer = client.post("/_emulator/chaos", content=b'{"seed": 1e400, "p500": 1}',
                             headers=JSON)
        assert answer.status_code == 400
        assert "seed" in answer.json()["error"]
        assert create(client).status_code == 201


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 50_000, b"[" * 200 + b"]" * 200,
                                  b'{"advance": 1}' + b" " * 100_000])
def test_deep_or_huge_json_to_the_admin_api_is_400(server, body):
    with http(server) as client:
        for path in ("/_emulator/clock", "/_emulator/chaos", "/_emulator/inbound"):
            answer = client.post(path, content=body, headers=JSON)
            assert answer.status_code == 400, (path, answer.text)
            assert json.loads(answer.text)["error"]
