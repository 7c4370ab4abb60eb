"""One learner's `make lab` session: the emulator server, and notebooks run cell by cell.

`make lab` (helpers/launch.py) starts `python -m helpers.emulator serve --port P --db FILE` and
gives every kernel TWILIO_EMULATOR_DB=FILE: each kernel's in-process emulator shares that state
file, and a real-time clock, with the server. A learner reads between cells, so time passes;
here a reading pause is the server's clock moving ahead (POST /_emulator/clock), never a sleep.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from tests.browser.services import READY_TIMEOUT_S, EmulatorServer, free_port, stop
from tests.instructor import ADMIN_KEY, BEARER
from tests.waiting import ServiceFailed, start_process

REPO = Path(__file__).resolve().parents[2]
KERNEL_START_TIMEOUT_S = 60
CELL_TIMEOUT_S = 120
IGNORE_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP")  # comments, as nbval reads them
IGNORE_TAGS = ("nbval-ignore-output", "nbval-skip")


class LearnerPathError(RuntimeError):
    """The session could not go on: a server or kernel that died or never answered."""


@dataclass
class Lab:
    """The emulator server of one learner's session, started as `make lab` starts it."""

    server: EmulatorServer
    process: subprocess.Popen
    log: Path
    home: Path  # the kernels' working folder: what notebooks write (03's ledger) lands here

    @classmethod
    def start(cls, home: Path, room: bool = False) -> Lab:
        """The server on a free loopback port with its state file in `home`, ready (bounded).
        `room`: a workshop room's server (`--room`): learners join at /join for own accounts."""
        server = EmulatorServer(f"http://127.0.0.1:{free_port()}", home / "emulator.sqlite")
        log = home / "emulator-server.log"
        command = [sys.executable, "-m", "helpers.emulator", "serve",
                   "--port", server.url.rsplit(":", 1)[1], "--db", str(server.db),
                   *(["--room"] if room else [])]
        env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
        env["TWILIO_EMULATOR_ADMIN_KEY"] = ADMIN_KEY  # as make lab's saved key
        output = start_process(command, log, cwd=REPO, env=env)
        process = output.process
        try:
            output.wait_ready(lambda: server.ready(output), READY_TIMEOUT_S)
        except ServiceFailed as failure:
            process.terminate()
            stop(process, grace_s=5)
            raise LearnerPathError(f"The emulator server did not start: {failure}") from None
        return cls(server, process, log, home)

    def stop(self) -> None:
        self.process.terminate()
        stop(self.process)

    def pause(self, seconds: float) -> None:
        """The learner reads for `seconds`: the shared clock moves ahead (server admin API)."""
        request = urllib.request.Request(
            f"{self.server.url}/_emulator/clock", method="POST",
            data=json.dumps({"advance": seconds}).encode(),
            headers={"Content-Type": "application/json", **BEARER},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except OSError as error:  # refused, timed out, or an HTTP error
            raise LearnerPathError(
                f"The emulator server did not take a {seconds} s pause ({error}); "
                f"exit code {self.process.poll()}; log:\n{self.log.read_text()[-3000:]}"
            ) from None

    def kernel_env(self, env_file: Path) -> dict[str, str]:
        """This environment as `make lab` hands it to a kernel: sharing the server's state file."""
        env = dict(os.environ)
        env.pop("TWILIO_EMULATOR_URL", None)  # make lab shares the file, not the URL
        env.update(
            TWILIO_MODE="emulator",
            TWILIO_EMULATOR_DB=str(self.server.db),
            TWILIO_EMULATOR_ADMIN_KEY=ADMIN_KEY,
            TWILIO_EMULATOR_INBOX_URL=self.server.inbox_link,
            TUTORIAL_ENV_PATH=str(env_file),
        )
        return env


@dataclass
class CellRun:
    """One code cell as the learner ran it, with what the committed notebook shows for it."""

    index: int
    source: str
    pause: float
    committed: list
    outputs: list
    compared: bool


def is_compared(cell) -> bool:
    """False for cells nbval does not compare (NBVAL_IGNORE_OUTPUT, NBVAL_SKIP)."""
    tags = cell.get("metadata", {}).get("tags", [])
    return not (any(marker in cell.source for marker in IGNORE_MARKERS)
                or any(tag in tags for tag in IGNORE_TAGS))


def run_notebook(
    path: Path, env: dict[str, str], pause_before: Callable[[int], float], cwd: Path
) -> tuple[list[CellRun], nbformat.NotebookNode]:
    """Run every code cell of `path` in one new kernel (in `cwd`, with environment `env`).

    Before the n-th code cell (n from 0), `pause_before(n)` lets the learner read; it returns
    the seconds that passed. A cell that raises does not stop the run (the learner reads the
    error and goes on); a kernel that does not start, dies or hangs does.
    """
    notebook = nbformat.read(path, as_version=4)
    committed = [copy.deepcopy(cell.get("outputs", [])) for cell in notebook.cells]
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=CELL_TIMEOUT_S,
        startup_timeout=KERNEL_START_TIMEOUT_S,
        allow_errors=True,
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    runs = []
    with kernel(client, env, path, cwd):
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            pause = pause_before(len(runs))
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                raise LearnerPathError(
                    f"{path.name} cell {index} (after a {pause:g} s pause) did not finish "
                    f"within {CELL_TIMEOUT_S} s"
                ) from None
            except DeadKernelError:
                raise LearnerPathError(
                    f"{path.name} cell {index} (after a {pause:g} s pause): the kernel died"
                ) from None
            runs.append(CellRun(index, cell.source, pause, committed[index],
                                list(cell.outputs), is_compared(cell)))
    return runs, notebook


@contextmanager
def kernel(client: NotebookClient, env: dict[str, str], path: Path,
           cwd: Path) -> Iterator[None]:
    """A new kernel for `client`, started in `cwd` (bounded), always shut down after."""
    try:
        client.km = client.create_kernel_manager()
        client.start_new_kernel(env=env, cwd=str(cwd))
        client.start_new_kernel_client()  # waits startup_timeout; shuts the kernel down if late
    except Exception as error:
        if client.km is not None and client.km.has_kernel:
            run_sync(client.km.shutdown_kernel)(now=True)
        raise LearnerPathError(
            f"{path.name}: the kernel did not start within {KERNEL_START_TIMEOUT_S} s: {error}"
        ) from error
    with client.setup_kernel():  # the kernel is up: this only shuts it down on the way out
        yield
