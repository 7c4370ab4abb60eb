"""What every form shares: how it displays in a notebook."""

from __future__ import annotations

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
