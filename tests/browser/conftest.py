"""Fixtures for the browser suite: JupyterLab served from the repo, driven by Debian's chromium.

JupyterLab starts once per session the way the README opens the tutorial (free port, random
token, no browser, root at the repo), with TWILIO_MODE=emulator and a private Jupyter config
directory (tests/browser/jupyter_config, copied to a temp dir) so the learner's own settings,
workspaces and `.env` are neither read nor written.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from .jupyterlab_ui import JupyterLabServer, JupyterLabUI
from playwright.sync_api import Browser, expect, sync_playwright

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
READY_TIMEOUT_S = 60
UI_TIMEOUT_MS = 30_000

expect.set_options(timeout=UI_TIMEOUT_MS)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_environment(home: Path) -> dict[str, str]:
    """The server's environment: emulator mode, private Jupyter dirs, a throwaway `.env`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "JUPYTER"))}
    env.update(
        TWILIO_MODE="emulator",
        TUTORIAL_ENV_PATH=str(home / "tutorial.env"),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
    )
    return env


def api_status(url: str, token: str) -> bool:
    """True once the server answers /api/status for this token."""
    request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200 and "started" in json.load(response)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait_until_ready(process: subprocess.Popen, url: str, token: str, log: Path) -> None:
    """Poll /api/status until it answers; fail with the server log if it exits or never does."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not api_status(url, token):
        if time.monotonic() > deadline:
            pytest.fail(f"JupyterLab not ready after {READY_TIMEOUT_S}s; log: {log}", pytrace=False)
        try:
            process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}")


def shut_down(process: subprocess.Popen, url: str, token: str) -> None:
    """Ask the server to stop (kernels included); terminate it only if it does not."""
    request = urllib.request.Request(
        f"{url}/api/shutdown", method="POST", headers={"Authorization": f"token {token}"}
    )
    try:
        urllib.request.urlopen(request, timeout=5).close()
        process.wait(timeout=20)
    except (urllib.error.URLError, ConnectionError, TimeoutError, subprocess.TimeoutExpired):
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
def jupyter_lab(browser: Browser, tmp_path_factory) -> Iterator[JupyterLabServer]:
    """JupyterLab serving the repo root in emulator mode, shut down at the end of the session."""
    home = tmp_path_factory.mktemp("jupyter-home")
    shutil.copytree(CONFIG, home / "config")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}"
    command = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--allow-root",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={REPO}",
    ]
    log = ARTIFACTS / "jupyterlab.log"
    env = jupyter_environment(home)
    with log.open("w") as log_file:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        wait_until_ready(process, url, token, log)
        yield JupyterLabServer(url, token, Path(env["TUTORIAL_ENV_PATH"]), REPO)
    finally:
        shut_down(process, url, token)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the test item, so fixtures know if the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def lab(browser: Browser, jupyter_lab: JupyterLabServer, request) -> Iterator[JupyterLabUI]:
    """A fresh browser tab on JupyterLab; its kernels are shut down afterwards."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    ui = JupyterLabUI(context.new_page(), jupyter_lab, ARTIFACTS)
    yield ui
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ui.screenshot(f"FAILED-{request.node.name}")
    context.close()
    jupyter_lab.shut_down_sessions()
