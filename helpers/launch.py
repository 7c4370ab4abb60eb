"""`make lab`: open the tutorial in JupyterLab, with the emulator server and its phone inbox.

In emulator mode the server and every notebook kernel share one sqlite file, so a message sent
from a notebook shows up in the inbox. In live mode only JupyterLab starts.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .config import REPO_ROOT, ConfigError, get_settings
from .display import show_mode
from .emulator.transports.http.auth import ADMIN_KEY_VARIABLE, Keys, new_admin_key

STATE_DB = REPO_ROOT / ".emulator" / "emulator.sqlite"
ADMIN_KEY_FILE = REPO_ROOT / ".emulator" / "admin-key"  # kept across labs: open inboxes stay in
INBOX_PORT = 8765  # the same address at every `make lab`, so an open inbox tab finds it again
# Jupyter settings of the tutorial (hide generated files such as *.egg-info), read under
# `make lab` and, through the `start` script, on Binder and JupyterHub.
JUPYTER_CONFIG = REPO_ROOT / ".jupyter"
READY_TIMEOUT_S = 20


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True if a server can listen on `port` now. Probed as uvicorn binds (SO_REUSEADDR), so a
    connection of the last run still in TIME_WAIT does not make the port look taken."""
    with socket.socket() as probe:
        if os.name == "posix":  # on Windows the option would let it bind over a live server
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def free_port(preferred: int) -> int:
    """`preferred` if a server can listen there on loopback, else any free port."""
    if preferred and port_is_free(preferred):
        return preferred
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def admin_key(env: dict, key_file: Path = ADMIN_KEY_FILE) -> str:
    """The instructor key of this lab's emulator: `TWILIO_EMULATOR_ADMIN_KEY`, else the one
    saved by an earlier `make lab` (readable by you only), else a new one saved there."""
    if env.get(ADMIN_KEY_VARIABLE):
        return env[ADMIN_KEY_VARIABLE]
    try:
        return key_file.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        pass
    key = new_admin_key()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as saved:
        saved.write(key)
    return key


def running_emulator(port: int, timeout: float = 2.0, key: str | None = None) -> dict | None:
    """The health answer (process id, and with the instructor key `key` its state file) of an
    emulator server on `port`, else None."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/_emulator/health",
                                     headers={"Authorization": f"Bearer {key}"} if key else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            health = json.loads(response.read())
    except (OSError, ValueError):
        return None
    return health if isinstance(health, dict) and health.get("service") == "twilio-emulator" \
        else None


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    return Path(a).resolve() == Path(b).resolve()


def start_emulator_server(env: dict, port: int = INBOX_PORT,
                          state: Path = STATE_DB) -> subprocess.Popen | None:
    """Start the emulator server on loopback and point the kernels at its state file and inbox.

    If `port` is held by an emulator server on the same state file (left over from an earlier
    `make lab`), it is used as it is and None is returned. If something else holds the port,
    the server starts on another one, and says so.
    """
    state.parent.mkdir(parents=True, exist_ok=True)
    key = env[ADMIN_KEY_VARIABLE] = admin_key(env, state.parent / ADMIN_KEY_FILE.name)
    keys = Keys(key)  # a key too short: ValueError, before anything starts
    chosen, server = port, None
    taken = not port_is_free(port)
    leftover = running_emulator(port, key=key) if taken else None
    if leftover and leftover.get("state") and same_file(leftover["state"], state):
        pid = leftover.get("pid")
        print(f"An emulator server from an earlier `make lab` still runs on "
              f"http://127.0.0.1:{port} (process {pid}) on the same state file: this lab uses "
              f"it. It keeps running after JupyterLab stops; `kill {pid}` stops it.\n"
              f"  Phone inbox:  http://127.0.0.1:{port}/inbox?token={keys.lab_token}",
              flush=True)
    else:
        if taken:
            chosen = free_port(0)
            if leftover and leftover.get("state"):
                holder = (f"an emulator server on another state file ({leftover['state']}, "
                          f"process {leftover.get('pid')})")
            elif leftover:
                holder = ("an emulator server started with another instructor key, or by an "
                          "older version of this tutorial (stop it)")
            else:
                holder = "another program"
            print(f"Port {port} is taken by {holder}: this time the phone inbox is on "
                  f"http://127.0.0.1:{chosen}/inbox (an inbox tab open on port {port} will not "
                  "find it).", flush=True)
        server = subprocess.Popen(
            [sys.executable, "-m", "helpers.emulator", "serve", "--port", str(chosen),
             "--db", str(state)],
            env=env,
        )
        wait_until_ready(server, chosen)
    env["TWILIO_EMULATOR_DB"] = str(state)  # the kernels share the server's state
    # the link signs the inbox in to the seeded accounts
    env["TWILIO_EMULATOR_INBOX_URL"] = f"http://127.0.0.1:{chosen}/inbox?token={keys.lab_token}"
    return server


def wait_until_ready(server: subprocess.Popen, port: int) -> None:
    """Wait (bounded) until the server answers, so its banner comes before JupyterLab's log."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while running_emulator(port, timeout=0.5) is None:
        if server.poll() is not None or time.monotonic() > deadline:
            print("The emulator server did not start (see its message above); the notebooks "
                  "still work, without the phone inbox.", file=sys.stderr, flush=True)
            return
        time.sleep(0.1)


def lab_environment(env: dict) -> dict:
    """JupyterLab's environment: the tutorial's Jupyter settings first on the config path."""
    paths = [str(JUPYTER_CONFIG), *filter(None, env.get("JUPYTER_CONFIG_PATH", "").split(
        os.pathsep))]
    return dict(env, JUPYTER_CONFIG_PATH=os.pathsep.join(dict.fromkeys(paths)))


def state_file_problem(path: Path) -> str | None:
    """Why the emulator cannot open `path` (a file of another version), or None."""
    from .emulator import Emulator
    from .emulator.state.store import StateFileError

    if not path.exists():
        return None
    try:
        Emulator(str(path)).close()
    except StateFileError as error:
        return str(error)
    return None


def main() -> int:
    """Check the settings, start what emulator mode needs, then run JupyterLab until it exits."""
    try:
        settings = get_settings()
    except ConfigError as error:
        print(f"Please fix your settings first: {error}", file=sys.stderr)
        return 1
    print(show_mode(settings))
    env = lab_environment(dict(os.environ))
    server = None
    if settings.mode == "emulator" and not settings.emulator_url:
        if problem := state_file_problem(STATE_DB):
            print(f"Please fix the emulator's state first: {problem}", file=sys.stderr)
            return 1
        try:
            server = start_emulator_server(env)
        except ValueError as problem:  # TWILIO_EMULATOR_ADMIN_KEY too short
            print(f"Please fix your settings first: {problem}", file=sys.stderr)
            return 1
    elif settings.mode == "emulator":  # a server of your own (TWILIO_EMULATOR_URL)
        env.setdefault("TWILIO_EMULATOR_INBOX_URL", f"{settings.emulator_url.rstrip('/')}/inbox")
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={REPO_ROOT}",
               "--LabApp.default_url=/lab/tree/notebooks/00_account_setup.ipynb"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and workshop VMs often run as root
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
