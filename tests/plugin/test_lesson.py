"""Notebook 06's helpers: its project (the notebook's own %%writefile cells), the exercise's
check against the skeleton, a wrong answer and the solution, and pytest's stable summary."""

import json
import re
from pathlib import Path

import pytest

from helpers.pytest_plugin.lesson import SOLUTION, check_stop_test, pytest_run, solution

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "06_test_your_code.ipynb"
WRITEFILE = re.compile(r"%%writefile (-a )?(\S+)\n")


def notebook_files() -> list[tuple[str, bool, str]]:
    """(name, append, text) of each %%writefile cell, in order."""
    found = []
    for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]:
        text = "".join(cell["source"])
        match = WRITEFILE.match(text)
        if cell["cell_type"] == "code" and match:
            found.append((match.group(2), bool(match.group(1)), text[match.end():] + "\n"))
    return found


def write(folder: Path, name: str, text: str, append: bool = False) -> None:
    with open(folder / name, "a" if append else "w", encoding="utf-8") as file:
        file.write(text)


@pytest.fixture
def project(tmp_path):
    """The notebook's project folder, as its cells leave it."""
    for name, append, text in notebook_files():
        write(tmp_path, name, text, append)
    return tmp_path


def test_the_notebooks_project_runs_as_the_notebook_says(project):
    assert str(pytest_run("test_reminders.py", "test_strict.py", folder=project)).splitlines()[-1] \
        == "5 passed"
    typo = pytest_run("test_typo.py", folder=project)
    assert (typo.passed, typo.summary) == (False, "1 failed")
    assert typo.failures == ("test_typo.py:6: AssertionError: assert 'Dentist tomorrow at 3pm'"
                             " == 'Dentist tomorrow at 4pm'",)
    assert str(project) not in str(typo)


def test_the_skeleton_is_not_yet_an_answer(project):
    result = check_stop_test(project)
    assert not result.passed and "inbound" in result.message


def test_a_wrong_answer_says_why_it_fails(project):
    write(project, "test_stop.py", SOLUTION.split("\n", 1)[1].split("\n# then")[0]
          .replace("== 21610", "== 21610 + 1  # 21610"))
    result = check_stop_test(project)
    assert not result.passed
    assert result.message.endswith("test_stop.py fails: test_stop.py:14: AssertionError: "
                                   "assert 21610 == (21610 + 1)")


def test_the_solution_passes_the_check(project):
    write(project, "test_stop.py", SOLUTION.split("\n", 1)[1].split("\n# then")[0] + "\n")
    result = check_stop_test(project)
    assert result.passed, result.message
    assert "1 passed" in result.message
    assert "click to reveal" in repr(solution("stop_test"))


def test_no_file_no_fixture(tmp_path):
    assert "writefile" in check_stop_test(tmp_path).message
    write(tmp_path, "test_stop.py", "def test_x():\n    pass\n")
    assert "no twilio_emulator" in check_stop_test(tmp_path).message
