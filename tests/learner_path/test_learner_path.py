"""Every notebook, run the way a learner runs it under `make lab`, shows its committed outputs.

CI (nbval) replays each notebook on its own in-memory emulator with a frozen clock. A learner
runs `make lab`: one emulator server and every kernel share a state file and a real-time clock,
the notebooks run in order 00 -> 05 in one session, and the learner pauses between cells. This
test plays that learner: one server for all notebooks (in sorted order, one xdist worker),
a new kernel per notebook, and before each code cell a reading pause from a fixed schedule of
short and long pauses (the server's clock moves ahead; nothing sleeps). Each code cell must show
what its committed output shows, once what truly differs between the paths is masked
(normalise.py). Executed notebooks are saved under test-artifacts/learner-path/.

    .venv/bin/pytest -q tests/learner_path -p no:randomly
"""

import re
from pathlib import Path

import nbformat
import pytest

from .learner import REPO, CellRun, Lab, LearnerPathError, run_notebook
from .normalise import cell_view, has_error, view_diff

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
ARTIFACTS = REPO / "test-artifacts" / "learner-path"

# Seconds a learner reads before each code cell, cycled, offset by the notebook's position.
# Short pauses catch cells that assume time froze (a status loop that skips queued/sending
# after 1 s); long ones catch cells that assume little time passed (after 6 s only
# "delivered" is left, after 8 s every status is already in the first callback listing).
PAUSES_S = (0.5, 1, 2, 6, 8, 30, 120)
SOURCE_LINES_SHOWN = 4
ANSI = re.compile(r"\x1b\[[0-9;]*m")

pytestmark = pytest.mark.xdist_group("learner_path")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One learner's session: the emulator server and its state file, for every notebook."""
    try:
        session = Lab.start(tmp_path_factory.mktemp("learner-path"))
    except LearnerPathError as error:
        pytest.fail(str(error), pytrace=False)
    yield session
    session.stop()


def pause_schedule(lab: Lab, position: int):
    """Before the n-th code cell of the notebook at `position`: a pause from PAUSES_S."""

    def pause_before(n: int) -> float:
        seconds = PAUSES_S[(position + n) % len(PAUSES_S)]
        lab.pause(seconds)
        return seconds

    return pause_before


def mismatch(path: Path, run: CellRun) -> str | None:
    """Why this cell does not tell its committed story (None when it does)."""
    unexpected_error = has_error(run.outputs) and not has_error(run.committed)
    if not run.compared and not unexpected_error:
        return None
    committed, new = cell_view(run.committed), cell_view(run.outputs)
    if committed == new and not unexpected_error:
        return None
    source = run.source.splitlines()
    shown = "\n".join(f"    {line}" for line in source[:SOURCE_LINES_SHOWN])
    more = "\n    ..." if len(source) > SOURCE_LINES_SHOWN else ""
    report = (f"{path.name} cell {run.index}, after a {run.pause:g} s pause:\n{shown}{more}\n"
              f"{view_diff(committed, new)}")
    if unexpected_error:
        traceback = "\n".join(ANSI.sub("", line) for output in run.outputs
                              if output["output_type"] == "error" for line in output["traceback"])
        report += f"\nThe cell raised (the committed one does not):\n{traceback}"
    return report


def save(notebook, path: Path) -> Path:
    """The executed notebook, to open in JupyterLab beside the committed one."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / path.name
    nbformat.write(notebook, target)
    return target


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_on_the_learner_path(path: Path, lab: Lab, private_env: Path):
    try:
        runs, executed = run_notebook(path, lab.kernel_env(private_env),
                                      pause_schedule(lab, NOTEBOOKS.index(path)), lab.home)
    except LearnerPathError as error:
        pytest.fail(str(error), pytrace=False)
    saved = save(executed, path)
    problems = [problem for run in runs if (problem := mismatch(path, run))]
    if problems:
        pytest.fail(
            f"{len(problems)} cell(s) of {path.name} show something else on the learner path "
            f"(executed copy: {saved.relative_to(REPO)}):\n\n" + "\n\n".join(problems),
            pytrace=False,
        )


def test_learner_path_tests_share_one_xdist_worker(request):
    """`make test` runs pytest-xdist with --dist loadgroup: the notebooks must stay in one worker,
    in order, or a second worker would start its own server and lose the session's history."""
    if request.config.getoption("loadgroup", False):
        assert request.node.nodeid.endswith("@learner_path"), request.node.nodeid
