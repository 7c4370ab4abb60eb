"""Regenerate the notebooks' committed outputs: a fresh top-to-bottom run of each, offline.

    .venv/bin/python scripts/run_notebooks.py [notebooks/01_first_sms.ipynb ...]

Without arguments it runs every numbered notebook. Each gets a new kernel (so a new emulator,
whose manual clock starts at the same instant), runs from notebooks/ with an empty .env (yours is
never read), and is saved in place.
A cell that raises stops the run with the notebook left unchanged.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def run(path: Path) -> float:
    """Execute `path` in a fresh kernel and write the outputs back; return the seconds taken."""
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        record_timing=False,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    nbformat.write(notebook, path)
    return time.perf_counter() - started


def main(args: list[str]) -> None:
    os.environ["TWILIO_MODE"] = "emulator"
    os.environ.pop("TWILIO_EMULATOR_URL", None)
    os.environ.pop("TWILIO_EMULATOR_DB", None)
    paths = [Path(a).resolve() for a in args] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    with tempfile.TemporaryDirectory() as empty:
        # Your own .env stays out of the committed outputs (the .env form pre-fills from it).
        env_file = Path(empty) / ".env"
        env_file.write_text("")
        os.environ["TUTORIAL_ENV_PATH"] = str(env_file)
        for path in paths:
            print(f"{path.relative_to(ROOT)}: {run(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
