"""Fixtures for the browser suite: the tutorial as `make lab` serves it, in headless Chromium.

As `make lab` does, the emulator server (phone inbox) runs beside JupyterLab and every kernel
shares its state file (TWILIO_EMULATOR_DB). JupyterLab serves a copy of notebooks/ on a free port
with a random token, in emulator mode, with a private Jupyter config directory
(tests/browser/jupyter_config, copied to a temp dir): the learner's own settings, workspaces,
`.env` and notebooks are neither read nor written.
"""

import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.instructor import ADMIN_KEY
from tests.waiting import ProcessOutput, ServiceFailed, start_process

from .jupyterlab_ui import JupyterLabUI
from .services import READY_TIMEOUT_S, EmulatorServer, JupyterLabServer, free_port, stop

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CONFIG = Path(__file__).parent / "jupyter_config"
UI_TIMEOUT_MS = 30_000

expect.set_options(timeout=UI_TIMEOUT_MS)


def launch(command: list[str], env: dict, log: Path) -> ProcessOutput:
    """Start `command` from the repo root, its output going to `log`."""
    return start_process(command, log, cwd=REPO, env=env)


def emulator_command(server: EmulatorServer) -> list[str]:
    """`python -m helpers.emulator serve`, as `make lab` starts it, on a private state file."""
    port = server.url.rsplit(":", 1)[1]
    return [
        sys.executable,
        "-m",
        "helpers.emulator",
        "serve",
        "--port",
        port,
        "--db",
        str(server.db),
    ]


def jupyter_command(server: JupyterLabServer) -> list[str]:
    """`jupyter lab` as `make lab` runs it, plus a fixed port and token and no browser."""
    return [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--allow-root",  # CI containers run as root
        f"--ServerApp.port={server.url.rsplit(':', 1)[1]}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={server.token}",
        f"--ServerApp.root_dir={server.root}",
    ]


def jupyter_environment(
    home: Path, emulator: EmulatorServer, lab: JupyterLabServer
) -> dict[str, str]:
    """JupyterLab's environment: emulator mode sharing the inbox's state, private Jupyter dirs,
    a throwaway `.env`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "JUPYTER"))}
    env.update(
        TWILIO_MODE="emulator",
        TWILIO_EMULATOR_DB=str(emulator.db),
        TWILIO_EMULATOR_ADMIN_KEY=ADMIN_KEY,  # as make lab: the launcher tile's server too
        TWILIO_EMULATOR_INBOX_URL=emulator.inbox_link,  # as make lab tells the kernels
        TUTORIAL_ENV_PATH=str(lab.env_path),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
    )
    return env


@pytest.fixture(scope="session")
def services(browser, tmp_path_factory) -> Iterator[tuple[EmulatorServer, JupyterLabServer]]:
    """The emulator server and JupyterLab, started side by side, stopped at the end."""
    home = tmp_path_factory.mktemp("browser-session")
    shutil.copytree(CONFIG, home / "config")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for stale in ARTIFACTS.glob("*.png"):
        stale.unlink()
    emulator = EmulatorServer(f"http://127.0.0.1:{free_port()}", home / "emulator.sqlite")
    root = home / "root"  # a copy: files the notebooks write (03's ledger) stay out of the
    shutil.copytree(REPO / "notebooks", root / "notebooks")  # way of nbval's run of them
    lab = JupyterLabServer(
        f"http://127.0.0.1:{free_port()}", secrets.token_hex(16), home / "tutorial.env", root
    )
    emulator_env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
    emulator_env["TWILIO_EMULATOR_ADMIN_KEY"] = ADMIN_KEY
    outputs = [
        launch(emulator_command(emulator), emulator_env, ARTIFACTS / "emulator-server.log"),
        launch(
            jupyter_command(lab),
            jupyter_environment(home, emulator, lab),
            ARTIFACTS / "jupyterlab.log",
        ),
    ]
    processes = [output.process for output in outputs]
    try:
        for output, service in zip(outputs, (emulator, lab), strict=True):
            output.wait_ready(partial(service.ready, output), READY_TIMEOUT_S)
    except ServiceFailed as failure:
        for process in processes:
            process.terminate()
            stop(process, grace_s=5)
        pytest.fail(str(failure), pytrace=False)
    yield emulator, lab
    lab.shut_down()
    processes[0].terminate()
    for process in processes:
        stop(process)


@pytest.fixture(scope="session")
def emulator_server(services) -> EmulatorServer:
    """The emulator server (phone inbox), sharing its state file with every kernel."""
    return services[0]


@pytest.fixture(scope="session")
def jupyter_lab(services) -> JupyterLabServer:
    """JupyterLab serving a copy of the repo's notebooks in emulator mode."""
    return services[1]


@pytest.fixture(scope="session")
def lab(browser: Browser, jupyter_lab: JupyterLabServer) -> Iterator[JupyterLabUI]:
    """One JupyterLab tab for the whole session (loading JupyterLab is the slow part).

    The tab can neither save a file nor reach the internet, and must not have tried either."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    ui = JupyterLabUI(context.new_page(), jupyter_lab, ARTIFACTS)
    ui.start()
    yield ui
    context.close()  # unsaved; the server's shutdown stops the kernels
    assert ui.refused_writes == [], f"the browser tried to write into the repo: {ui.refused_writes}"
    assert ui.external_requests == [], f"the browser tried to go online: {ui.external_requests}"


def pytest_collection_modifyitems(items):
    """The notebook tests run first, so their checks see each notebook as Run All left it; the
    form and inbox tests then reuse those runs (and may change the forms)."""
    here = Path(__file__).parent
    slots = [index for index, item in enumerate(items) if item.path.parent == here]
    ours = [items[index] for index in slots]
    ours.sort(key=lambda item: item.path.stem != "test_browser_notebooks")  # stable
    for index, item in zip(slots, ours, strict=True):
        items[index] = item


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
