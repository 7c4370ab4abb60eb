"""`python -m helpers.emulator serve --port 8765 --db PATH`: the emulator server and phone inbox.

The instructor key comes from `TWILIO_EMULATOR_ADMIN_KEY`; without it a fresh one is made and
printed (docs/instructor.md). `--room` gives each learner accounts of their own via a join link.
"""

import argparse
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

DEFAULT_PORT = 8765


def default_db() -> Path:
    """TWILIO_EMULATOR_DB if set (kernels share it), else the repo's .emulator/emulator.sqlite."""
    from helpers.launch import STATE_DB

    return Path(os.environ.get("TWILIO_EMULATOR_DB") or STATE_DB)


def serve(port: int, db: Path, host: str, room: bool = False,
          allowed_hosts: frozenset[str] = frozenset(), exit_with_parent: bool = False) -> int:
    """Run the server in the foreground until Ctrl+C (the port is bound before the banner)."""
    from ..webserver import UvicornServer, listen_fast, server_config
    from . import Emulator
    from .state.clock import Clock
    from .state.store import StateFileError
    from .transports.http.app import create_app
    from .transports.http.auth import ADMIN_KEY_VARIABLE, Keys, new_admin_key

    admin_key = os.environ.get(ADMIN_KEY_VARIABLE)
    generated = not admin_key
    admin_key = admin_key or new_admin_key()
    try:
        keys = Keys(admin_key)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listen_fast(listener)
    try:
        listener.bind((host, port))
        listener.listen(2048)  # connections wait in the backlog until uvicorn accepts them
    except OSError as error:
        print(f"Cannot listen on {host}:{port} ({error.strerror}). Another emulator server may "
              f"already run there (try http://{host}:{port}/inbox), or pick another --port.",
              file=sys.stderr)
        return 1
    port = listener.getsockname()[1]
    db.parent.mkdir(parents=True, exist_ok=True)
    try:
        emulator = Emulator(str(db), clock=Clock(real=True))
    except StateFileError as error:  # another version's file: say so, no traceback
        listener.close()
        print(error, file=sys.stderr)
        return 1
    app = create_app(emulator, admin_key, room=room, allowed_hosts=allowed_hosts)
    shown = _address(host)
    base = f"http://{shown}:{port}"
    lines = [f"Twilio emulator on {base}  (state: {db})"]
    if room:
        lines += [f"  Room mode: learners join at {base}/join?code={keys.join_code}",
                  f"  Instructor view: {base}/inbox?token={admin_key}"]
    else:
        lines += [f"  Phone inbox:  {base}/inbox?token={keys.lab_token}",
                  f"  From Python:  Client(sid, token, http_client=EmulatorServerHttpClient("
                  f"'{base}'))",
                  f"  Or set TWILIO_EMULATOR_URL={base} and call helpers.emulate_twilio()"]
    if generated:
        lines.append(f"  Instructor key (Authorization: Bearer ...): {admin_key}\n"
                     f"  (made for this run; set {ADMIN_KEY_VARIABLE} to keep one across restarts)")
    print("\n".join(lines), flush=True)
    config = server_config(app, log_level="warning", timeout_graceful_shutdown=2)
    if exit_with_parent:
        _stop_when_orphaned()
    try:
        UvicornServer(config).run(sockets=[listener])
    except KeyboardInterrupt:  # uvicorn has shut down cleanly, then re-raised Ctrl+C
        print("Emulator server stopped.")
    return 0


def _stop_when_orphaned(every: float = 1.0) -> None:
    """Stop (as Ctrl+C does) once the process that started this one is gone: the launcher
    tile's server must not outlive the JupyterLab that started it."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _address(host: str) -> str:
    """The address to print for `host`: on all interfaces, this machine's LAN address."""
    if host not in ("0.0.0.0", "::", ""):
        return host
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # no packet is sent: it only picks a route
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.emulator",
                                     description="The offline Twilio emulator.")
    commands = parser.add_subparsers(dest="command", required=True)
    server = commands.add_parser("serve", help="serve the emulator and its phone inbox over HTTP")
    server.add_argument("--port", type=int, default=DEFAULT_PORT, help="default %(default)s")
    server.add_argument("--host", default="127.0.0.1",
                        help="default %(default)s (loopback only; 0.0.0.0 for a workshop room)")
    server.add_argument("--room", action="store_true",
                        help="room mode: each learner joins with a link and gets own accounts")
    server.add_argument("--exit-with-parent", action="store_true",
                        help="stop when the process that started this one exits")
    server.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="a host name the server answers to besides loopback, IP addresses "
                             "and this machine's name (repeat for more)")
    server.add_argument("--db", type=Path, default=None,
                        help="sqlite state file (default: $TWILIO_EMULATOR_DB or "
                             ".emulator/emulator.sqlite in the repo)")
    args = parser.parse_args(argv)
    return serve(args.port, args.db or default_db(), args.host, args.room,
                 frozenset(name.lower() for name in args.allow_host), args.exit_with_parent)


if __name__ == "__main__":
    sys.exit(main())
