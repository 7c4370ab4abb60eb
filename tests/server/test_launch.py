"""Starting the server: the documented command, the JupyterLab launcher entry, `make lab` and
Binder's `start` script."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from jupyter_server_proxy.config import make_server_process

from helpers import launch
from helpers.emulator import Emulator
from helpers.emulator.inbox.proxy import setup_emulator_proxy
from helpers.emulator.seed import TRIAL, UPGRADED
from helpers.emulator.transports.http.app import create_app
from helpers.emulator.transports.http.auth import Keys
from helpers.webserver import BackgroundServer
from tests.instructor import ADMIN_KEY, BEARER, KEYS
from tests.waiting import start_process, wait_for_exit

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def started(env: dict, port: int, state: Path):
    """`make lab`'s emulator server, started by launch and stopped after the block."""
    server = launch.start_emulator_server(env, port=port, state=state)
    try:
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)


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
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, TWILIO_EMULATOR_ADMIN_KEY=ADMIN_KEY))
    url = process.stdout.readline().split()[3]
    with requests.get(f"{url}/_emulator/events", stream=True, timeout=10,
                      headers=BEARER) as stream:
        assert next(stream.iter_lines()) == b"event: snapshot"  # the inbox is connected
        process.send_signal(signal.SIGINT)
        returncode = process.wait(timeout=10)
    assert returncode == 0
    assert "Traceback" not in process.stderr.read()


def test_busy_port_is_a_clear_message(tmp_path):
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
    key = process.environment["TWILIO_EMULATOR_ADMIN_KEY"]  # Jupyter signed the user in:
    assert len(key) >= 32  # the proxy signs each request in with the server's own key
    assert process.request_headers_override == {"Authorization": f"Bearer {key}"}


# -- `make lab` (helpers/launch.py) and Binder's `start`: a stable inbox address, tidy files --

def a_free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def plain_bind_fails(port: int) -> bool:
    with socket.socket() as plain:
        try:
            plain.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


def test_a_connection_left_in_time_wait_keeps_the_inbox_on_its_port():
    with socket.socket() as listener:  # the last run's server, which closed its connections
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as browser:
            accepted, _ = listener.accept()
            accepted.close()  # the server closes first: its end waits in TIME_WAIT
            browser.recv(1)
    # loopback handles the last FIN inside close(): the server's end is in TIME_WAIT now
    assert plain_bind_fails(port), "no TIME_WAIT socket: the test would prove nothing"

    assert launch.free_port(port) == port
    assert launch.port_is_free(port)


def test_make_lab_starts_the_server_on_the_port_and_tells_the_kernels(tmp_path):
    port, state, env = a_free_port(), tmp_path / "state.sqlite", {**os.environ}

    with started(env, port, state) as server:
        key = env["TWILIO_EMULATOR_ADMIN_KEY"]
        assert (state.parent / "admin-key").read_text() == key
        assert (state.parent / "admin-key").stat().st_mode & 0o077 == 0  # yours alone
        assert env["TWILIO_EMULATOR_DB"] == str(state)
        link = env["TWILIO_EMULATOR_INBOX_URL"]
        assert link == f"http://127.0.0.1:{port}/inbox?token={Keys(key).lab_token}"
        browser = requests.Session()
        assert "Phone inbox" in browser.get(link, timeout=10).text
        session = browser.get(f"http://127.0.0.1:{port}/_emulator/session", timeout=10).json()
        assert [a["sid"] for a in session["accounts"]][:2] == [TRIAL.sid, UPGRADED.sid]
        health = requests.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=10,
                              headers={"Authorization": f"Bearer {key}"}).json()
        assert (health["state"], health["pid"]) == (str(state), server.pid)


def test_the_next_make_lab_keeps_the_key_so_open_inboxes_stay_signed_in(tmp_path):
    env, again = {}, {}
    assert launch.admin_key(env, tmp_path / "admin-key") == launch.admin_key(
        again, tmp_path / "admin-key")
    assert launch.admin_key({"TWILIO_EMULATOR_ADMIN_KEY": ADMIN_KEY},
                            tmp_path / "admin-key") == ADMIN_KEY


def test_git_ignores_make_lab_s_key_and_state_and_your_env():
    for secret in (launch.ADMIN_KEY_FILE, launch.STATE_DB, REPO / ".env"):
        ignored = subprocess.run(["git", "check-ignore", "-q", str(secret)], cwd=REPO)
        assert ignored.returncode == 0, f"{secret} would be committed"


def test_a_leftover_server_on_the_same_state_file_is_reused_and_named(tmp_path, capsys):
    state = tmp_path / "state.sqlite"
    with BackgroundServer(create_app(Emulator(str(state)), ADMIN_KEY)) as leftover:
        env = {"TWILIO_EMULATOR_ADMIN_KEY": ADMIN_KEY}
        assert launch.start_emulator_server(env, port=leftover.port, state=state) is None
    link = f"http://127.0.0.1:{leftover.port}/inbox?token={KEYS.lab_token}"
    assert env["TWILIO_EMULATOR_INBOX_URL"] == link
    said = capsys.readouterr().out
    assert "earlier `make lab` still runs" in said and f"kill {os.getpid()}" in said
    assert link in said


def test_a_leftover_server_with_another_key_is_not_trusted(tmp_path, capsys):
    state = tmp_path / "state.sqlite"
    with BackgroundServer(create_app(Emulator(str(state)), ADMIN_KEY)) as leftover:
        env = {"TWILIO_EMULATOR_ADMIN_KEY": "another-instructor-key-0123456789"}
        with started(env, leftover.port, state):
            assert f":{leftover.port}/" not in env["TWILIO_EMULATOR_INBOX_URL"]
            assert "started with another instructor key" in capsys.readouterr().out


def test_a_port_held_by_another_program_moves_the_inbox_and_says_so(tmp_path, capsys):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        env = {**os.environ}
        with started(env, port, tmp_path / "s.sqlite"):
            moved = env["TWILIO_EMULATOR_INBOX_URL"]
            assert f":{port}/" not in moved
            assert "Phone inbox" in requests.get(moved, timeout=10).text
            assert f"Port {port} is taken by another program" in capsys.readouterr().out


def test_an_emulator_server_on_another_state_file_is_left_alone(tmp_path, capsys):
    theirs = tmp_path / "theirs.sqlite"
    with BackgroundServer(create_app(Emulator(str(theirs)), ADMIN_KEY)) as other:
        env = {**os.environ, "TWILIO_EMULATOR_ADMIN_KEY": ADMIN_KEY}
        with started(env, other.port, tmp_path / "s.sqlite"):
            assert env["TWILIO_EMULATOR_INBOX_URL"] != f"http://127.0.0.1:{other.port}/inbox"
            assert f"an emulator server on another state file ({theirs}" in capsys.readouterr().out


def run_start(env: dict) -> dict:
    """The environment Jupyter gets on Binder/JupyterHub: `start` runs first, then Jupyter."""
    shown = subprocess.run(["bash", str(REPO / "start"), "env", "-0"], env=env, cwd=REPO,
                           capture_output=True, check=True).stdout.decode()
    return dict(line.split("=", 1) for line in shown.split("\0") if "=" in line)


def test_start_tells_the_kernels_where_the_inbox_is_behind_jupyterhub(tmp_path):
    base = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}

    hub = run_start({**base, "JUPYTERHUB_SERVICE_PREFIX": "/user/learner/"})
    plain = run_start(base)

    assert hub["TWILIO_EMULATOR_INBOX_URL"] == "/user/learner/twilio-inbox/inbox"
    assert plain["TWILIO_EMULATOR_INBOX_URL"] == "/twilio-inbox/inbox"
    assert plain["TWILIO_EMULATOR_DB"] == str(tmp_path / ".emulator" / "emulator.sqlite")
    assert plain["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] == str(REPO / ".jupyter")


# The file browser lists what the contents API does; JupyterLab and the other server
# extensions change nothing there, and skipping them halves the start. jupyter_lsp stays: its
# "Skipped non-installed server(s)" line is logged from the running loop, so after the port
# is bound (jupyter's "is running at" comes before), and the test waits on that line.
FEW_EXTENSIONS = "--ServerApp.jpserver_extensions=" + str(dict.fromkeys(
    ["jupyterlab", "jupyter_server_proxy", "jupyter_server_terminals", "notebook_shim"], False))


@pytest.mark.parametrize("launcher", ["make lab", "start"])
def test_the_file_browser_hides_egg_info_under_make_lab_and_binder(tmp_path, launcher):
    root = tmp_path / "repo"
    for folder in ("notebooks", "twilio_sms_tutorial_helpers.egg-info", "__pycache__"):
        (root / folder).mkdir(parents=True)
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    port, token = a_free_port(), "test-token"
    command = [sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", FEW_EXTENSIONS]
    if launcher == "make lab":
        env = launch.lab_environment(env)
    elif launcher == "start":
        command = ["bash", str(REPO / "start"), *command]
    jupyter = start_process(command, tmp_path / "jupyter.log", env=env, cwd=root)
    try:
        def contents():
            return requests.get(f"http://127.0.0.1:{port}/api/contents", timeout=5,
                                headers={"Authorization": f"token {token}"}).json()

        jupyter.wait_ready(lambda: jupyter.said("Skipped non-installed server") and contents(), 60)
        listed = contents()
    finally:
        jupyter.process.terminate()
        jupyter.process.wait(timeout=20)

    assert sorted(item["name"] for item in listed["content"]) == ["notebooks"]


def test_the_tutorial_hides_what_jupyter_hides_by_default_too():
    from fnmatch import fnmatch

    from jupyter_server.services.contents.manager import ContentsManager

    config = json.loads((REPO / ".jupyter" / "jupyter_server_config.json").read_text())
    hidden = config["ContentsManager"]["hide_globs"]

    assert set(ContentsManager().hide_globs) < set(hidden) and "*.egg-info" in hidden
    assert not any(fnmatch("helpers.egg-info", glob) for glob in ContentsManager().hide_globs)


def an_old_state_file(path: Path) -> Path:
    """A state file as an older emulator left it (another PRAGMA user_version)."""
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, sid TEXT)")
    old.execute("PRAGMA user_version = 0")
    old.commit()
    old.close()
    return path


def test_make_lab_names_a_state_file_of_another_version_and_the_fix(tmp_path):
    old = an_old_state_file(tmp_path / "emulator.sqlite")
    problem = launch.state_file_problem(old)
    assert str(old) in problem and "delete the file" in problem
    assert launch.state_file_problem(tmp_path / "absent.sqlite") is None
    Emulator(str(tmp_path / "current.sqlite")).close()
    assert launch.state_file_problem(tmp_path / "current.sqlite") is None


def test_the_server_refuses_a_state_file_of_another_version_in_one_line(tmp_path):
    old = an_old_state_file(tmp_path / "emulator.sqlite")
    done = subprocess.run([sys.executable, "-m", "helpers.emulator", "serve", "--port", "0",
                           "--db", str(old)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "delete the file" in done.stderr and "Traceback" not in done.stderr


def test_an_instructor_key_too_short_is_refused_before_anything_starts(tmp_path):
    with pytest.raises(ValueError, match="at least 16 characters"):
        launch.start_emulator_server({"TWILIO_EMULATOR_ADMIN_KEY": "short"},
                                     port=a_free_port(), state=tmp_path / "s.sqlite")
    result = subprocess.run(
        [sys.executable, "-m", "helpers.emulator", "serve", "--port", "0",
         "--db", str(tmp_path / "x.sqlite")], cwd=REPO, capture_output=True, text=True,
        timeout=60, env=dict(os.environ, TWILIO_EMULATOR_ADMIN_KEY="short"))
    assert result.returncode == 1 and "at least 16 characters" in result.stderr


def test_the_launcher_tile_s_server_stops_when_jupyterlab_is_gone(tmp_path):
    """jupyter-server-proxy starts it with --exit-with-parent: once its parent (JupyterLab)
    exits, it stops by itself instead of holding its port and state file."""
    parent = subprocess.run(
        [sys.executable, "-c",
         "import subprocess, sys; "
         "server = subprocess.Popen([sys.executable, '-m', 'helpers.emulator', 'serve', "
         "'--port', '0', '--exit-with-parent', '--db', sys.argv[1]], "
         "stdout=subprocess.PIPE, text=True); "
         "print(server.stdout.readline(), server.pid, flush=True)", str(tmp_path / "s.sqlite")],
        cwd=REPO, capture_output=True, text=True, timeout=60,
        env=dict(os.environ, TWILIO_EMULATOR_ADMIN_KEY=ADMIN_KEY))
    assert "Twilio emulator on" in parent.stdout, parent.stderr
    orphan = int(parent.stdout.split()[-1])  # its parent has exited by now
    wait_for_exit(orphan, 15)
