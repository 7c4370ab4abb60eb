"""Notebook 06: run a project's tests as a terminal would, print what stays the same from run
to run, and the exercise's check and solution.

    run_pytest()              # python -m pytest -v in the current folder (your project)
    check_stop_test()         # the exercise: test_stop.py proves a STOP reply stops reminders
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..exercises import Result, Solution

DEAD_PROXY = "http://127.0.0.1:9"
"""Where a request that escaped the emulator would go: nothing listens there, so a test that
forgets the fixture fails at once instead of reaching Twilio."""
QUIET = ("-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:nbval",
         "-p", "no:hypothesispytest")
"""Plugins of the course's environment that a project's run needs not: random order, a cache
folder, notebook collection, and two seconds of start-up."""
_OUTCOME = re.compile(r"^(\S+::\S+) (PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b")
_WHERE = re.compile(r"^(?:[A-Za-z]:)?[/\\].*?[/\\]([\w.-]+\.py:\d+: .*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
COLOURS = ("FORCE_COLOR", "PY_COLORS")  # a kernel may set them: they beat --color=no
_TIMING = re.compile(r"\s+in [\d.]+s(?: \([\d:]+\))?$")


@dataclass(frozen=True)
class PytestRun:
    """A pytest run: its exit status, one line per test, the failures, and the summary."""

    status: int
    tests: tuple[tuple[str, str], ...]  # (test id, PASSED/FAILED/...)
    failures: tuple[str, ...]  # "file.py:line: the error", the project folder left out
    summary: str  # "4 passed", "1 failed, 3 passed"
    output: str  # everything pytest printed

    @property
    def passed(self) -> bool:
        return self.status == 0

    def __str__(self) -> str:
        marks = {"PASSED": "✔", "FAILED": "✘", "ERROR": "✘"}
        lines = [f"{marks.get(outcome, '·')} {test} {outcome}" for test, outcome in self.tests]
        lines += [f"    {failure}" for failure in self.failures]
        return "\n".join([*lines, self.summary])


def pytest_run(*args: str, folder: str | Path | None = None) -> PytestRun:
    """``python -m pytest -v --tb=line ARGS`` in ``folder`` (default: the current one), with
    this Python, without the ``TWILIO_*`` variables of this kernel."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("TWILIO_", "PYTEST_")) and name not in COLOURS}
    env.update(HTTP_PROXY=DEAD_PROXY, HTTPS_PROXY=DEAD_PROXY, NO_PROXY="", NO_COLOR="1")
    command = [sys.executable, "-m", "pytest", "-v", "--tb=line", "--color=no", *QUIET, *args]
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    output = _ANSI.sub("", done.stdout + done.stderr)
    lines = output.splitlines()
    tests = tuple(match.groups() for match in map(_OUTCOME.match, lines) if match)
    failures = tuple(match.group(1) for match in map(_WHERE.match, lines) if match)
    last = lines[-1].strip("= ") if lines else "no output"
    return PytestRun(done.returncode, tests, failures, _TIMING.sub("", last), output)


def run_pytest(*args: str) -> None:
    """Run the project's tests, as ``python -m pytest -v`` in a terminal, and print each
    test's outcome, each failure (where and why) and the summary line."""
    print(pytest_run(*args))


# -- the exercise -----------------------------------------------------------------------
STOP_TEST = "test_stop.py"


def check_stop_test(folder: str | Path | None = None) -> Result:
    """Notebook 06: ``test_stop.py`` sends, has the customer reply STOP, expects 21610, passes."""
    path = Path(folder or Path.cwd()) / STOP_TEST
    if not path.exists():
        return Result(False, f"there is no {STOP_TEST} in the project folder yet: run the "
                             "%%writefile cell above first.")
    text = path.read_text(encoding="utf-8")
    if "twilio_emulator" not in text:
        return Result(False, "your test takes no twilio_emulator argument: without it, it "
                             "would try to reach the real Twilio.")
    if ".inbound(" not in text:
        return Result(False, "the customer never replies yet: call twilio_emulator.inbound("
                             "from_=the customer, to=your Twilio number, body=\"STOP\").")
    if "21610" not in text:
        return Result(False, "check which error the next reminder gets: catch it with "
                             "pytest.raises(TwilioRestException) and compare .code with 21610.")
    run = pytest_run(STOP_TEST, folder=path.parent)
    if not run.tests:
        return Result(False, f"pytest found no test in {STOP_TEST}: name the function "
                             f"test_something. pytest said: {run.summary}")
    if not run.passed:
        why = run.failures[0] if run.failures else run.summary
        return Result(False, f"{STOP_TEST} fails: {why}")
    return Result(True, "a STOP reply stops the reminders, and a test proves it, offline: "
                        f"{run.summary}.")


SOLUTION = '''\
%%writefile test_stop.py
import pytest
from twilio.base.exceptions import TwilioRestException

from reminders import send_reminder


def test_a_stop_reply_stops_the_reminders(twilio_emulator):
    send_reminder("+15558675310", "Your table is booked for 8pm")
    twilio_emulator.inbound(from_="+15558675310", to="+12025550123", body="STOP")

    with pytest.raises(TwilioRestException) as refused:
        send_reminder("+15558675310", "See you at 8pm")

    assert refused.value.code == 21610
    assert len(twilio_emulator.outbox()) == 1

# then, in a new cell:
check_stop_test()'''


def solution(name: str = "stop_test") -> Solution:
    """The exercise's worked answer, folded away until clicked."""
    if name != "stop_test":
        raise KeyError(f"notebook 06 has one exercise, 'stop_test', not {name!r}")
    return Solution(name, SOLUTION)
