"""The processes the browser suite drives: JupyterLab and the emulator server (phone inbox).

Each is a subprocess started the way `make lab` starts it, ready once its output says so and it
answers (tests/waiting.py: checked at each line it prints, bounded), and stopped politely before
being terminated.
"""

import json
import socket
import subprocess
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.instructor import BEARER, KEYS

READY_TIMEOUT_S = 60
EMULATOR_READY = "Twilio emulator on"  # serve's banner, printed once its port listens
LAB_RUNNING = "is running at"  # JupyterLab binds its port just after: it must answer too


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_json(method: str, url: str, headers: dict | None = None, timeout: float = 10) -> object:
    """The decoded JSON answer of one HTTP request (None when the body is empty)."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
    return json.loads(body) if body else None


def answers(call: Callable[[], object]) -> bool:
    """True when `call` gets an answer; False while the server refuses connections."""
    try:
        call()
        return True
    except OSError:
        return False


def stop(process: subprocess.Popen, grace_s: float = 20) -> None:
    """Wait for a process asked to stop; terminate it, then kill it, if it does not."""
    for ending in (None, process.terminate, process.kill):
        if ending:
            ending()
        try:
            process.wait(timeout=grace_s)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass(frozen=True)
class EmulatorServer:
    """The emulator server with its phone inbox, sharing `db` with every notebook kernel."""

    url: str
    db: Path

    def ready(self, output) -> bool:
        return output.said(EMULATOR_READY)

    @property
    def inbox_link(self) -> str:
        """The inbox's address as `make lab` prints it: signed in to the seeded accounts."""
        return f"{self.url}/inbox?token={KEYS.lab_token}"

    def messages(self) -> list[dict]:
        """Every message in the shared state, oldest first (the admin API, instructor key)."""
        return http_json("GET", f"{self.url}/_emulator/messages", BEARER)["messages"]


@dataclass(frozen=True)
class JupyterLabServer:
    """A running JupyterLab: where it is, how to log in, and the `.env` its forms write."""

    url: str
    token: str
    env_path: Path
    root: Path

    def api(self, method: str, path: str, timeout: float = 10) -> object:
        """Call the Jupyter REST API; the decoded JSON answer."""
        headers = {"Authorization": f"token {self.token}"}
        return http_json(method, f"{self.url}/api/{path}", headers, timeout)

    def ready(self, output) -> bool:
        return output.said(LAB_RUNNING) and answers(lambda: self.api("GET", "status", timeout=2))

    def shut_down_sessions(self) -> None:
        """Shut down every notebook's kernel, as Kernel > Shut Down All Kernels would."""
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")

    def shut_down(self) -> None:
        """Ask the server to stop, kernels included (File > Shut Down)."""
        try:
            self.api("POST", "shutdown")
        except OSError:
            pass  # already gone: `stop` finds out
