"""The MMS form of notebook 04: the SMS form plus media URLs and an image preview."""

from __future__ import annotations

import ipywidgets as widgets

from .mms_logic import is_offline, parse_media_urls, preview_html
from .sms_form import SmsForm


class MmsForm(SmsForm):
    """To, Body and up to 10 media URLs (one per line), previewed as images before sending.
    `offline` (default: emulator mode) keeps the preview from fetching anything online."""

    title = "MMS form (To, Body, Media URLs, Send)"
    css_class = "tutorial-mms-form"

    def __init__(self, client, from_: str, to: str = "", body: str = "", media_urls: str = "",
                 trial: bool = False, offline: bool | None = None):
        self.offline = is_offline() if offline is None else offline
        self.media = widgets.Textarea(
            value=media_urls,
            description="Media URLs",
            placeholder="one https:// URL per line",
            continuous_update=True,
            style={"description_width": "150px"},
            layout=widgets.Layout(width="520px", height="70px"),
        )
        self.media_preview = widgets.HTML().add_class("tutorial-media-preview")
        super().__init__(client, from_, to=to, body=body, trial=trial)
        self.media.observe(self._refresh, names="value")

    def _children(self) -> list[widgets.Widget]:
        return [self.to, self.body, self.media, self.media_preview, self.counter,
                self.send_button, self.result]

    def media_urls(self) -> list[str]:
        return parse_media_urls(self.media.value)

    def _refresh(self, _change=None) -> None:
        super()._refresh()
        self.media_preview.value = preview_html(self.media_urls(), self.offline)
