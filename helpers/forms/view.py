"""What every form shares: how it displays in a notebook."""

from __future__ import annotations

import threading
from collections.abc import Callable

import ipywidgets as widgets


class FormView:
    """A form built from ipywidgets. Displays as the widget; its text form is a stable summary
    (notebook outputs keep it, and a static viewer shows it instead of the live form).

    The box and its parts carry `tutorial-*` CSS classes: stable hooks for the browser tests
    (docs/browser-tests.md), whatever the labels and texts say."""

    title = "Form"
    css_class: str  # each form's own hook, e.g. "tutorial-sms-form"

    def __init__(self, *children: widgets.Widget):
        self.widget = widgets.VBox(list(children)).add_class(self.css_class)
        self._click_lock = threading.Lock()

    def _on_click(self, button: widgets.Button, handler: Callable[[], None]) -> None:
        """Run ``handler`` on each click of ``button``, one click at a time.

        ipykernel can hand the two clicks of a double click to two threads at once (kernel
        subshells); one at a time, the second click sees what the first did, so a form
        never sends the same message twice."""

        def one_at_a_time(_button: widgets.Button) -> None:
            with self._click_lock:
                handler()

        button.on_click(one_at_a_time)

    def __repr__(self) -> str:
        return f"{self.title} (interactive: run this cell in JupyterLab to use it)"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle


def text_field(description: str, value: str = "", placeholder: str = "") -> widgets.Text:
    """A labelled text box wide enough for SIDs and URLs."""
    return widgets.Text(
        value=value,
        description=description,
        placeholder=placeholder,
        style={"description_width": "150px"},
        layout=widgets.Layout(width="520px"),
    )
