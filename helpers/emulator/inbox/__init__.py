"""The phone inbox: what it shows (`view.py`), its page (`templates/`, `static/`) and its
JupyterLab launcher entry (`proxy.py`)."""

from pathlib import Path

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
