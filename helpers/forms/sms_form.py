"""The send form of notebook 01: To, Body, a live segment counter and a Send button."""

from __future__ import annotations

import ipywidgets as widgets

from . import sms_logic
from .view import FormView, text_field


class SmsForm(FormView):
    """Type a recipient and a body; the counter shows segments, encoding, the characters that
    force UCS-2 and the estimated price as you type. Send checks the input first: if anything is
    wrong it says what, inline, and sends nothing."""

    title = "SMS form (To, Body, Send)"
    css_class = "tutorial-sms-form"

    def __init__(self, client, from_: str, to: str = "", body: str = "", trial: bool = False):
        self.client = client
        self.from_ = from_
        self.trial = trial
        self.to = text_field("To", to, "+15558675310")
        self.body = widgets.Textarea(
            value=body,
            description="Body",
            continuous_update=True,
            style={"description_width": "150px"},
            layout=widgets.Layout(width="520px", height="90px"),
        )
        self.counter = widgets.HTML().add_class("tutorial-segment-counter")
        self.send_button = widgets.Button(description="Send", button_style="primary")
        self.send_button.add_class("tutorial-send")
        self.result = widgets.HTML().add_class("tutorial-result")
        self.last_result: sms_logic.SendResult | None = None
        self._sent: tuple | None = None  # the request last sent, so a second click is a no-op
        self.to.observe(self._refresh, names="value")
        self.body.observe(self._refresh, names="value")
        self._on_click(self.send_button, self._send)
        super().__init__(*self._children())
        self._refresh()

    def _children(self) -> list[widgets.Widget]:
        return [self.to, self.body, self.counter, self.send_button, self.result]

    def media_urls(self) -> list[str]:
        return []

    def preview(self) -> sms_logic.Preview:
        return sms_logic.Preview(self.body.value, self.trial, len(self.media_urls()))

    def _request(self) -> tuple:
        return self.to.value.strip(), self.body.value, tuple(self.media_urls())

    def _refresh(self, _change=None) -> None:
        self.counter.value = self.preview().html()
        self.send_button.disabled = self._request() == self._sent

    def _send(self) -> None:
        """Send once. Clicks queued before the button greys out (a double click) arrive here
        too, one after the other, so the same To/Body/media is never sent twice: edit
        something to send again."""
        request = self._request()
        if request == self._sent:
            return
        self.send_button.disabled = True
        try:
            result = sms_logic.send(self.client, self.from_, *request[:2], list(request[2]))
        finally:
            self.send_button.disabled = False
        self.last_result = result
        self.result.value = result.html()
        if result.sent:
            self._sent = request
        self._refresh()
