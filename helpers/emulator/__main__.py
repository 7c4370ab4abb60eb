"""`python -m helpers.emulator serve --port 8765 --db PATH`: the emulator server and phone inbox."""

import argparse
import os
import socket
import sys
from pathlib import Path

DEFAULT_PORT = 8765


def default_db() -> Path:
    """TWILIO_EMULATOR_DB if set (kernels share it), else the repo's .emulator/emulator.sqlite."""
    from helpers.launch import STATE_DB

    return Path(os.environ.get("TWILIO_EMULATOR_DB") or STATE_DB)


def serve(port: int, db: Path, host: str) -> int:
    """Run the server in the foreground until Ctrl+C (the port is bound before the banner)."""
    from ..webserver import UvicornServer, listen_fast, server_config
    from . import Emulator
    from .state.clock import Clock
    from .state.store import StateFileError
    from .transports.http.app import create_app

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
    app = create_app(emulator)
    print(f"Twilio emulator on http://{host}:{port}  (state: {db})\n"
          f"  Phone inbox:  http://{host}:{port}/inbox\n"
          f"  From Python:  Client(sid, token, http_client=EmulatorServerHttpClient("
          f"'http://{host}:{port}'))\n"
          f"  Or set TWILIO_EMULATOR_URL=http://{host}:{port} and call helpers.emulate_twilio()",
          flush=True)
    config = server_config(app, log_level="warning", timeout_graceful_shutdown=2)
    try:
        UvicornServer(config).run(sockets=[listener])
    except KeyboardInterrupt:  # uvicorn has shut down cleanly, then re-raised Ctrl+C
        print("Emulator server stopped.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.emulator",
                                     description="The offline Twilio emulator.")
    commands = parser.add_subparsers(dest="command", required=True)
    server = commands.add_parser("serve", help="serve the emulator and its phone inbox over HTTP")
    server.add_argument("--port", type=int, default=DEFAULT_PORT, help="default %(default)s")
    server.add_argument("--host", default="127.0.0.1",
                        help="default %(default)s (loopback only; 0.0.0.0 for a workshop room)")
    server.add_argument("--db", type=Path, default=None,
                        help="sqlite state file (default: $TWILIO_EMULATOR_DB or "
                             ".emulator/emulator.sqlite in the repo)")
    args = parser.parse_args(argv)
    return serve(args.port, args.db or default_db(), args.host)


if __name__ == "__main__":
    sys.exit(main())
