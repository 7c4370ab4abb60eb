"""The logic behind the SMS and MMS forms: the live counter, the checks and the send itself.

Nothing is sent unless every check passes; a refusal from Twilio comes back as guidance.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from ..facts import MAX_BODY, MULTI_SEGMENT, SINGLE_SEGMENT, TRIAL_PREFIX, body_too_long
from ..guidance import HANDLED, Guidance, explain
from ..phone import to_e164
from ..pricing import estimate_usd
from ..segments import count_segments
from .mms_logic import media_problem


@dataclass(frozen=True)
class Preview:
    """How `body` will be billed: segments, encoding, the characters forcing UCS-2, the price."""

    body: str
    trial: bool = False
    media: int = 0

    @property
    def count(self):
        return count_segments((TRIAL_PREFIX if self.trial else "") + self.body)

    @property
    def price_usd(self) -> float:
        return estimate_usd(self.count.segments, self.media)

    def __str__(self) -> str:
        c = self.count
        if self.media:  # an MMS is billed per message, whatever the length of its text
            size = f"MMS with {self.media} media · {c.encoding} · {len(self.body)} characters"
        else:
            size = f"{c.segments} segment{'' if c.segments == 1 else 's'} · {c.encoding}"
            size += f" · {len(self.body)} characters"
        text = f"{size} · estimated ${self.price_usd:.4f}"
        if c.ucs2_chars:
            text += f" · UCS-2 because of: {' '.join(c.ucs2_chars)}"
        return text

    def html(self) -> str:
        c = self.count
        parts = [f"<b>{html.escape(str(self))}</b>"]
        if self.trial:
            parts.append(
                f"<div style='color:#555'>Includes the trial prefix "
                f"“{html.escape(TRIAL_PREFIX)}” ({len(TRIAL_PREFIX)} characters).</div>"
            )
        if c.ucs2_chars:
            parts.append(
                "<div>Highlighted characters are not in the GSM-7 alphabet, so the whole "
                f"message is sent as UCS-2 ({SINGLE_SEGMENT['UCS-2']} characters per segment, "
                f"{MULTI_SEGMENT['UCS-2']} when split, instead of {SINGLE_SEGMENT['GSM-7']}/"
                f"{MULTI_SEGMENT['GSM-7']}):"
                "</div><div style='white-space:pre-wrap;font-family:monospace'>"
                f"{highlight(self.body, set(c.ucs2_chars))}</div>"
            )
        return "".join(parts)


def highlight(body: str, chars: set[str]) -> str:
    """`body` as HTML with each character of `chars` marked."""
    return "".join(
        f"<mark title='forces UCS-2'>{html.escape(ch)}</mark>" if ch in chars else html.escape(ch)
        for ch in body
    )


def problems(to: str, body: str, media_urls: list[str] = ()) -> dict[str, str]:
    """Field -> what is wrong, with the Twilio error code it would cause. Empty when sendable."""
    found = {}
    try:
        to_e164(to)
    except ValueError as exc:
        found["to"] = f"{exc} (Twilio would answer 21211.)"
    if not body.strip() and not media_urls:
        found["body"] = "Write a message body (or add media). Twilio would answer 21619."
    elif body_too_long(body):
        found["body"] = (
            f"The body has {len(body)} characters; the limit is {MAX_BODY}. "
            "Shorten it or split it into several messages (Twilio would answer 21617)."
        )
    media = media_problem(list(media_urls))
    if media:
        found["media_urls"] = media
    return found


@dataclass
class SendResult:
    """The outcome of a form submission: the message sent, or why nothing was sent."""

    message: object | None = None
    problems: dict[str, str] = field(default_factory=dict)
    guidance: Guidance | None = None

    @property
    def sent(self) -> bool:
        return self.message is not None

    def html(self) -> str:
        if self.message is not None:
            m = self.message
            return (
                f"<div class='tutorial-result-sent' data-sid='{html.escape(m.sid, quote=True)}' "
                f"style='color:#1b5e20'>✔ Twilio accepted the message: sid "
                f"<code>{m.sid}</code>, status <code>{m.status}</code>, to <code>{m.to}</code>. "
                "Edit To or Body to send another.</div>"
            )
        if self.guidance is not None:
            return f"<div class='tutorial-result-refused'>{self.guidance._repr_html_()}</div>"
        items = "".join(
            f"<li><b>{html.escape(name)}:</b> {html.escape(text)}</li>"
            for name, text in self.problems.items()
        )
        return (
            "<div class='tutorial-result-refused' style='color:#b00020'>Nothing was sent."
            f"<ul>{items}</ul></div>"
        )


def send(client, from_: str, to: str, body: str, media_urls: list[str] = ()) -> SendResult:
    """Check the input, then call `client.messages.create` once. Never raises Twilio errors."""
    found = problems(to, body, media_urls)
    if found:
        return SendResult(problems=found)
    kwargs = {"to": to_e164(to), "from_": from_}
    if body:
        kwargs["body"] = body
    if media_urls:
        kwargs["media_url"] = list(media_urls)
    try:
        return SendResult(message=client.messages.create(**kwargs))
    except HANDLED as exc:
        return SendResult(guidance=explain(exc))
