"""The `.env` form of notebook 00: paste your credentials and numbers, click Save."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from ..config import env_path
from . import env_logic
from .view import FormView, text_field


class EnvForm(FormView):
    """Fields for the Account SID, Auth Token (a password box), From number, your number and an
    optional Messaging Service SID. Save checks them and writes `.env`; nothing is written while
    any field is invalid, and the token is never shown back."""

    title = "Twilio credentials form (.env)"
    css_class = "tutorial-env-form"

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else env_path()
        saved = env_logic.current_values(self.path)
        has_token = bool(saved.get(env_logic.FIELDS["auth_token"]))
        self.account_sid = text_field(
            "Account SID", saved.get("TWILIO_ACCOUNT_SID", ""), "AC followed by 32 hex digits"
        )
        self.auth_token = widgets.Password(
            description="Auth Token",
            placeholder="saved: leave empty to keep it" if has_token else "32 hex digits",
            style={"description_width": "150px"},
            layout=widgets.Layout(width="520px"),
        )
        self.from_number = text_field(
            "Twilio number (From)", saved.get("TWILIO_FROM_NUMBER", ""), "+15017122661"
        )
        self.my_phone_number = text_field(
            "Your mobile (To)", saved.get("MY_PHONE_NUMBER", ""), "+15558675310"
        )
        self.messaging_service_sid = text_field(
            "Messaging Service", saved.get("TWILIO_MESSAGING_SERVICE_SID", ""), "optional: MG..."
        )
        self.save_button = widgets.Button(description="Save to .env", button_style="primary")
        self.save_button.add_class("tutorial-save-env")
        self.result = widgets.HTML().add_class("tutorial-result")
        self.last_result: env_logic.SaveResult | None = None
        self._unsaved_token = ""  # a valid token typed before another field was fixed
        self._on_click(self.save_button, self._save)
        super().__init__(
            self.account_sid,
            self.auth_token,
            self.from_number,
            self.my_phone_number,
            self.messaging_service_sid,
            self.save_button,
            self.result,
        )

    def values(self) -> dict[str, str]:
        """What the fields hold now (the token box is emptied on every click)."""
        return {name: getattr(self, name).value for name in env_logic.FIELDS}

    def _save(self) -> None:
        typed = self.auth_token.value
        self.auth_token.value = ""  # the token never stays in the page, saved or not
        if typed:
            self._unsaved_token = typed
        result = env_logic.save(self.values() | {"auth_token": self._unsaved_token}, self.path)
        self.last_result = result
        if result.saved or "auth_token" in result.errors:
            self._unsaved_token = ""  # saved, or not worth keeping
        if result.saved:
            self.auth_token.placeholder = "saved: leave empty to keep it"
            self.result.value = (
                "<div class='tutorial-result-saved' style='color:#1b5e20'>"
                f"✔ {html.escape(result.message)}</div>"
            )
            return
        if self._unsaved_token:
            self.auth_token.placeholder = "kept from your last try: leave empty to use it"
        items = "".join(
            f"<li><b>{getattr(self, name).description}:</b> {html.escape(text)}</li>"
            for name, text in result.errors.items()
        )
        self.result.value = (
            f"<div class='tutorial-result-refused' style='color:#b00020'>{result.message}"
            f"<ul>{items}</ul></div>"
        )
