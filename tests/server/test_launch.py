"""Starting the server: the documented command, and the JupyterLab launcher entry."""

import signal
import subprocess
import sys
from pathlib import Path

import requests
from jupyter_server_proxy.config import make_server_process

from helpers.emulator.proxy import setup_emulator_proxy

REPO = Path(__file__).resolve().parents[2]


def test_serve_command_answers_and_keeps_state_in_the_db(tmp_path):
    db = tmp_path / "state.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "helpers.emulator", "serve", "--port", "0", "--db", str(db)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = process.stdout.readline()  # printed once the port is bound
        url = banner.split()[3]
        assert requests.get(f"{url}/_emulator/health", timeout=10).json()["ok"] is True
        assert "Phone inbox" in requests.get(f"{url}/inbox", timeout=10).text
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert db.exists()


def test_ctrl_c_with_an_open_inbox_exits_cleanly(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "helpers.emulator", "serve", "--port", "0",
         "--db", str(tmp_path / "state.sqlite")],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = process.stdout.readline().split()[3]
    with requests.get(f"{url}/_emulator/events", stream=True, timeout=10) as stream:
        assert next(stream.iter_lines()) == b"event: snapshot"  # the inbox is connected
        process.send_signal(signal.SIGINT)
        returncode = process.wait(timeout=10)
    assert returncode == 0
    assert "Traceback" not in process.stderr.read()


def test_busy_port_is_a_clear_message(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "helpers.emulator", "serve", "--port", str(port),
             "--db", str(tmp_path / "x.sqlite")],
            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "pick another --port" in result.stderr


def test_launcher_entry_is_valid_for_jupyter_server_proxy():
    process = make_server_process("twilio-inbox", setup_emulator_proxy(), None)

    assert process.launcher_entry.title == "Twilio Phone Inbox"
    assert process.launcher_entry.path_info == "twilio-inbox/inbox"
    assert Path(process.launcher_entry.icon_path).read_text().startswith("<svg")
    assert "{port}" in process.command and process.command[1:4] == [
        "-m", "helpers.emulator", "serve"]
