"""`make lab`: open the tutorial in JupyterLab, with the emulator server and its phone inbox.

In emulator mode the server and every notebook kernel share one sqlite file, so a message sent
from a notebook shows up in the inbox. In live mode only JupyterLab starts.
"""

import os
import socket
import subprocess
import sys

from .config import REPO_ROOT, ConfigError, get_settings
from .display import show_mode

STATE_DB = REPO_ROOT / ".emulator" / "emulator.sqlite"


def free_port(preferred: int) -> int:
    """`preferred` if nothing listens there on loopback, else any free port."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_emulator_server(env: dict) -> subprocess.Popen:
    """Start the emulator server on loopback and point the kernels at its state file."""
    STATE_DB.parent.mkdir(exist_ok=True)
    port = free_port(8765)
    server = subprocess.Popen(
        [sys.executable, "-m", "helpers.emulator", "serve", "--port", str(port),
         "--db", str(STATE_DB)],
        env=env,
    )
    env["TWILIO_EMULATOR_DB"] = str(STATE_DB)  # the server prints the inbox's address
    return server


def main() -> int:
    """Check the settings, start what emulator mode needs, then run JupyterLab until it exits."""
    try:
        settings = get_settings()
    except ConfigError as error:
        print(f"Please fix your settings first: {error}", file=sys.stderr)
        return 1
    print(show_mode(settings))
    env = dict(os.environ)
    server = None
    if settings.mode == "emulator" and not settings.emulator_url:
        server = start_emulator_server(env)
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
