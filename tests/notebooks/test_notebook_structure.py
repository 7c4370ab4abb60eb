"""The committed lessons: the shape every lesson promises, and clean committed outputs."""

import json
import re
from pathlib import Path

import pytest

from helpers.emulator import seed

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TOKENS = [account.auth_token for account in seed.ACCOUNTS]


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def outputs_text(cell):
    """Everything a cell's outputs hold, as one string."""
    return json.dumps(cell.get("outputs", []), ensure_ascii=False)


def test_all_seven_lessons_are_there():
    assert [p.name[:2] for p in NOTEBOOKS] == ["00", "01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_lesson_opens_with_goal_prerequisites_and_the_mode_banner(path):
    first, *rest = cells(path)
    assert first["cell_type"] == "markdown"
    assert "**Goal:**" in source(first) and "**Prerequisites:**" in source(first)
    first_code = next(c for c in rest if c["cell_type"] == "code")
    assert source(first_code).rstrip().endswith("show_mode()")
    assert "EMULATOR MODE" in outputs_text(first_code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_lesson_ends_with_a_checked_exercise_and_a_hidden_solution(path):
    code = [source(c) for c in cells(path) if c["cell_type"] == "code"]
    assert any(re.search(r"^check_\w+\(", s, re.M) for s in code)
    assert code[-1].startswith("solution(")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_outputs_hold_no_traceback_no_stderr_no_token_no_web_load(path):
    for cell in cells(path):
        if cell["cell_type"] != "code":
            continue
        assert cell["execution_count"] is not None, "run the notebook top to bottom"
        for output in cell["outputs"]:
            assert output["output_type"] != "error", source(cell)
            assert output.get("name") != "stderr", source(cell)
        assert not any(token in outputs_text(cell) for token in TOKENS)
        assert not re.search(r"src=\\*['\"]https?://", outputs_text(cell)), "loads from the web"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_ran_in_order(path):
    counts = [c["execution_count"] for c in cells(path) if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1))


def unescaped_dollars(text: str) -> int:
    """`$` signs JupyterLab would read as math delimiters: outside code, not written `\\$`."""
    prose = re.sub(r"```.*?```|`[^`]*`", "", text, flags=re.S)
    return len(re.findall(r"(?<!\\)\$", prose))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prices_never_render_as_math(path):
    """Two bare `$` in one markdown cell or HTML output make JupyterLab typeset the text between
    them as LaTeX ("about $0.02 … against $0.0079" became italic math)."""
    for index, cell in enumerate(cells(path)):
        texts = [source(cell)] if cell["cell_type"] == "markdown" else [
            "".join(output.get("data", {}).get("text/html", ""))
            for output in cell.get("outputs", [])]
        for text in texts:
            assert unescaped_dollars(text) < 2, f"cell {index}: escape prices as \\$: {text[:200]}"


def test_the_math_check_counts_only_bare_dollars():
    assert unescaped_dollars("about $0.02, against $0.0079") == 2
    assert unescaped_dollars(r"about \$0.02, against \$0.0079 and `$HOME`") == 0
