"""Fixtures for the browser suite: the tutorial as `make lab` serves it, in Debian's chromium.

As `make lab` does, the emulator server (phone inbox) runs beside JupyterLab and every kernel
shares its state file (TWILIO_EMULATOR_DB). JupyterLab runs from the repo root on a free port
with a random token, in emulator mode, with a private Jupyter config directory
(tests/browser/jupyter_config, copied to a temp dir): the learner's own settings, workspaces,
`.env` and notebooks are neither read nor written.
"""

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from .jupyterlab_ui import JupyterLabUI
from .services import (
    EmulatorServer,
    JupyterLabServer,
    ServiceFailed,
    free_port,
    stop,
    wait_until_ready,
)

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CONFIG = Path(__file__).parent / "jupyter_config"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
UI_TIMEOUT_MS = 30_000

expect.set_options(timeout=UI_TIMEOUT_MS)


def start(command: list[str], env: dict, log: Path, ready) -> subprocess.Popen:
    """Start `command` from the repo root, logging to `log`; return once `ready()` is true."""
    with log.open("w") as log_file:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        wait_until_ready(process, ready, log)
    except ServiceFailed as failure:
        stop(process, grace_s=5)
        pytest.fail(str(failure), pytrace=False)
    return process


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian chromium; never a Playwright browser download."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}: "
            "install it with: sudo apt-get install chromium",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def session_home(tmp_path_factory) -> Path:
    """Private Jupyter directories, `.env` and emulator state for this test session."""
    home = tmp_path_factory.mktemp("browser-session")
    shutil.copytree(CONFIG, home / "config")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return home


@pytest.fixture(scope="session")
def emulator_server(browser, session_home: Path) -> Iterator[EmulatorServer]:
    """`python -m helpers.emulator serve`, as `make lab` starts it, on a private state file."""
    server = EmulatorServer(f"http://127.0.0.1:{free_port()}", session_home / "emulator.sqlite")
    port = server.url.rsplit(":", 1)[1]
    command = [
        sys.executable,
        "-m",
        "helpers.emulator",
        "serve",
        "--port",
        port,
        "--db",
        str(server.db),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
    process = start(command, env, ARTIFACTS / "emulator-server.log", server.ready)
    yield server
    process.terminate()
    stop(process, grace_s=10)


def jupyter_environment(home: Path, emulator: EmulatorServer) -> dict[str, str]:
    """The server's environment: emulator mode sharing the inbox's state, private Jupyter dirs,
    a throwaway `.env`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "JUPYTER"))}
    env.update(
        TWILIO_MODE="emulator",
        TWILIO_EMULATOR_DB=str(emulator.db),
        TUTORIAL_ENV_PATH=str(home / "tutorial.env"),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
    )
    return env


@pytest.fixture(scope="session")
def jupyter_lab(session_home: Path, emulator_server: EmulatorServer) -> Iterator[JupyterLabServer]:
    """JupyterLab serving the repo root in emulator mode, shut down at the end of the session."""
    port, token = free_port(), secrets.token_hex(16)
    env = jupyter_environment(session_home, emulator_server)
    server = JupyterLabServer(
        f"http://127.0.0.1:{port}", token, Path(env["TUTORIAL_ENV_PATH"]), REPO
    )
    command = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--allow-root",  # CI containers run as root
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={REPO}",
    ]
    process = start(command, env, ARTIFACTS / "jupyterlab.log", server.ready)
    yield server
    server.shut_down()
    stop(process)


def notebook_digests() -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((REPO / "notebooks").glob("*.ipynb"))
    }


@pytest.fixture(scope="session")
def lab(browser: Browser, jupyter_lab: JupyterLabServer) -> Iterator[JupyterLabUI]:
    """One JupyterLab tab for the whole session (loading JupyterLab is the slow part).

    At the end every notebook closes unsaved, and the committed notebooks must be unchanged."""
    before = notebook_digests()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    ui = JupyterLabUI(context.new_page(), jupyter_lab, ARTIFACTS)
    ui.start()
    yield ui
    ui.close_all()
    context.close()
    assert notebook_digests() == before, "the browser run modified committed notebooks"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the test item, so fixtures know if the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def screenshot_on_failure(request) -> Iterator[None]:
    """A failed test leaves a screenshot of the page, and a reloaded JupyterLab for the next."""
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and "lab" in request.fixturenames:
        ui = request.getfixturevalue("lab")
        ui.screenshot(f"FAILED-{request.node.name}")
        ui.close_all()
        ui.start()
