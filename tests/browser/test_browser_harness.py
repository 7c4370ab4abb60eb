"""The harness itself: Run All reaches cells below the viewport, and errors are caught.

Throwaway notebooks are written under test-artifacts/ (git-ignored, inside JupyterLab's root).
"""

import nbformat
import pytest
from playwright.sync_api import expect

CELLS_BELOW_THE_FOLD = 40


@pytest.fixture
def scratch_notebook(jupyter_lab, request):
    """Write a notebook of the given code cells inside the server root; its relative path."""
    folder = jupyter_lab.root / "test-artifacts" / "browser" / "scratch"
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str, sources: list[str], tags: dict[int, list[str]] | None = None) -> str:
        cells = [nbformat.v4.new_code_cell(source) for source in sources]
        for index, cell_tags in (tags or {}).items():
            cells[index].metadata["tags"] = cell_tags
        notebook = nbformat.v4.new_notebook(
            cells=cells,
            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        )
        path = folder / f"{request.node.name}-{name}.ipynb"
        nbformat.write(notebook, path)
        return str(path.relative_to(jupyter_lab.root))

    return write


def test_run_all_renders_every_cell_output(lab, scratch_notebook):
    sources = [f"print('cell', {i} * {i})" for i in range(CELLS_BELOW_THE_FOLD)]
    notebook = lab.run(scratch_notebook("long", sources))

    assert notebook.windowing_mode() == "none"
    assert notebook.errors() == []
    expect(notebook.outputs).to_have_count(CELLS_BELOW_THE_FOLD)
    last = CELLS_BELOW_THE_FOLD - 1
    expect(notebook.outputs.last).to_have_text(f"cell {last * last}")


def test_an_exception_stops_the_run_and_is_reported(lab, scratch_notebook):
    sources = ["raise ValueError('shown on purpose')", "1 / 0", "print('never runs')"]
    notebook = lab.run(scratch_notebook("broken", sources, tags={0: ["raises-exception"]}))

    assert notebook.errors() == ["cell 1: ZeroDivisionError: division by zero"]
    assert notebook.unexecuted_cells() == [2]
    expect(notebook.outputs).to_have_count(2)
    expect(notebook.outputs.last).to_contain_text("ZeroDivisionError")


def test_kernels_run_in_emulator_mode_with_a_private_env_file(lab, scratch_notebook):
    source = "import os; print(os.environ['TWILIO_MODE'], os.environ['TUTORIAL_ENV_PATH'])"
    notebook = lab.run(scratch_notebook("env", [source]))

    assert notebook.errors() == []
    expect(notebook.outputs).to_have_text(f"emulator {lab.server.env_path}")


def test_chromium_tests_share_one_xdist_worker(request, browser):
    """`make test` runs pytest-xdist with --dist loadgroup: every Chromium test must carry
    the chromium group, or a second worker starts its own Chromium, JupyterLab and emulator
    and races the first one over test-artifacts/ (workers run with dist "no", loadgroup set)."""
    if request.config.getoption("loadgroup", False):
        assert request.node.nodeid.endswith("@chromium"), request.node.nodeid
