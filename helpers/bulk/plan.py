"""The dry run: what a bulk send would do (count, segments, encoding, cost, time)."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

from helpers.facts import (
    ACCOUNT_MMS_MPS,
    MAX_BODY,
    MAX_MEDIA,
    SENDER_MPS,
    TRIAL_PREFIX,
    content_refusal,
    more_info,
    sender_kind,
    sender_refusal,
)
from helpers.pricing import estimate_usd
from helpers.segments import count_segments

from .recipients import Recipients, load_recipients


class BulkInputError(ValueError):
    """The body, sender or media cannot be sent; the message names the fix and Twilio's code."""


def service_pool(client, messaging_service_sid: str) -> list[str]:
    """The senders in a Messaging Service's pool, as the API lists them (none if unknown)."""
    numbers = []
    if client is not None:
        service = client.messaging.v1.services(messaging_service_sid)
        for senders, field_name in ((service.phone_numbers, "phone_number"),
                                    (service.short_codes, "short_code")):
            try:
                numbers += [getattr(sender, field_name) for sender in senders.list()]
            except Exception:  # noqa: BLE001 - the pool only refines the estimate
                continue
    return numbers


def account_is_trial(client) -> bool | None:
    """True for a trial account, None if the account cannot be read."""
    try:
        return client.api.v2010.accounts(client.account_sid).fetch().type == "Trial"
    except Exception:  # noqa: BLE001 - only refines the plan
        return None


def unverified(client, numbers: list[str]) -> list[str] | None:
    """Recipients that are not verified caller IDs of the account, None if unknown."""
    try:
        verified = {c.phone_number for c in client.outgoing_caller_ids.list()}
    except Exception:  # noqa: BLE001 - only refines the warning
        return None
    return [n for n in numbers if n not in verified]


def check_message(body: str | None, media_url, from_, messaging_service_sid) -> list[str]:
    """Raise BulkInputError for what Twilio would reject for every recipient; return media URLs.

    The checks are Twilio's rules (``helpers.facts.rules``), the very functions the emulator
    refuses a create call with; this only words the refusal for the course."""
    media = [media_url] if isinstance(media_url, str) else [str(url) for url in media_url or []]
    refusal = sender_refusal(from_, messaging_service_sid) or content_refusal(body, media)
    if refusal is None:
        return media
    code, size = refusal.code, len(body or "")
    fixes = {
        21603: "pass from_='+15017122661' (a number you own) or messaging_service_sid='MG...'.",
        21619: "pass body='...' or media_url=['https://...'].",
        21617: f"the body has {size} characters; shorten it by {size - MAX_BODY}.",
        21623: f"{len(media)} media URLs given, at most {MAX_MEDIA} per message; send fewer "
               "images per message.",
        21620: "use full http:// or https:// URLs that anyone can open.",
    }
    raise BulkInputError(f"{refusal.message.rstrip('.')} (Twilio error {code}): "
                         f"{fixes.get(code, more_info(code))}")


@dataclass
class Plan:
    """A bulk send described before it happens. Display it in a notebook or print it."""

    recipients: Recipients
    body: str
    media_url: list[str]
    sender: str
    mps: float
    segments: int
    encoding: str
    trial: bool | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.recipients.valid)

    @property
    def units_per_message(self) -> int:
        """What one message costs in pacing units: its segments, or 1 for MMS."""
        return 1 if self.media_url else self.segments

    @property
    def priced_count(self) -> int:
        """Recipients with +1 numbers (US, Canada, the rest of the NANP), priced at the US
        list price; other countries are priced by country and left out of the estimate."""
        return sum(1 for number in self.recipients.valid if number.startswith("+1"))

    @property
    def estimated_cost(self) -> float:
        """US list price in USD for the +1 recipients (others are priced by country)."""
        return round(estimate_usd(self.segments, len(self.media_url)) * self.priced_count, 4)

    @property
    def estimated_seconds(self) -> float:
        """Time to hand every message to the sender at its rate."""
        return self.count * self.units_per_message / self.mps

    def lines(self) -> list[tuple[str, str]]:
        recipients = self.recipients
        unpriced = self.count - self.priced_count
        cost = f"${self.estimated_cost:,.2f} (US list price"
        cost += f"; {unpriced} outside +1 not included)" if unpriced else ")"
        kind = "MMS, 1 per message" if self.media_url else f"{self.encoding}"
        rows = [
            ("Recipients", f"{self.count} to send, {len(recipients.duplicates)} duplicates "
                           f"dropped, {len(recipients.invalid)} invalid"),
            ("Message", f"{self.segments} segment(s) each, {kind}"),
            ("Sender", f"{self.sender}, {self.mps:g} segment(s) per second"),
            ("Estimated cost", cost),
            ("Estimated time", f"{format_duration(self.estimated_seconds)} at the sender's rate"),
        ]
        rows += [("Invalid", f"{bad.raw!r}: {bad.reason} (Twilio error {bad.error_code})")
                 for bad in recipients.invalid]
        rows += [("Warning", text) for text in self.warnings]
        return rows

    def __str__(self) -> str:
        width = max(len(name) for name, _ in self.lines())
        return "\n".join(f"{name:<{width}}  {value}" for name, value in self.lines())

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><th style='text-align:left'>{html.escape(name)}</th>"
            f"<td style='text-align:left'>{html.escape(value)}</td></tr>"
            for name, value in self.lines()
        )
        return f"<table><caption>Bulk send plan (dry run)</caption>{cells}</table>"


def format_duration(seconds: float) -> str:
    """'0.5 s', '42 s', '16 min 40 s', '2 h 05 min'."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    seconds = math.ceil(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _positive_rate(mps) -> float:
    """`mps` as a rate the token bucket and the time estimate can use."""
    try:
        rate = float(mps)
    except (TypeError, ValueError):
        rate = math.nan
    if not 0 < rate < math.inf:
        raise BulkInputError(f"mps={mps!r} is not a rate: pass the sender's segments per "
                             "second as a positive number, e.g. mps=3 for a toll-free number.")
    return rate


def plan_bulk(recipients, body, from_=None, messaging_service_sid=None, *, media_url=None,
              client=None, trial=None, mps=None) -> Plan:
    """Dry run: read the recipients and describe the send without sending anything.

    recipients: a list of numbers or a CSV path. With `client`, the plan reads the account
    (a trial account's prefix counts in the segments; unverified recipients are flagged) and a
    Messaging Service's sender pool. `trial` overrides the account lookup, `mps` the rate.
    """
    media = check_message(body, media_url, from_, messaging_service_sid)
    recipients = load_recipients(recipients)
    if trial is None and client is not None:
        trial = account_is_trial(client)
    counted = count_segments((TRIAL_PREFIX if trial else "") + (body or ""))
    warnings = []
    missing = unverified(client, recipients.valid) if trial and client is not None else None
    if missing:
        warnings.append(
            f"Trial account: {len(missing)} recipient(s) are not verified caller IDs and "
            f"will fail with error 21608 ({', '.join(missing[:5])}"
            f"{' ...' if len(missing) > 5 else ''}). Verify them in the Console "
            "(Phone Numbers > Verified Caller IDs) or upgrade the account."
        )
    if from_:
        sender = f"{sender_kind(from_)} {from_}"
        rate = SENDER_MPS[sender_kind(from_)]
    else:
        pool = service_pool(client, messaging_service_sid)
        if pool:
            sender = f"Messaging Service {messaging_service_sid} ({len(pool)} senders)"
            rate = sum(SENDER_MPS[sender_kind(number)] for number in pool)
        else:
            sender = f"Messaging Service {messaging_service_sid} (sender pool unknown)"
            rate = SENDER_MPS["long code"]
            warnings.append("Sender pool unknown: timing assumes one long code (1 per second); "
                            "pass mps= with your pool's rate.")
    if media:
        rate = min(rate, ACCOUNT_MMS_MPS)
    if mps is not None:
        rate = _positive_rate(mps)
    if recipients.unassigned:
        shown = ", ".join(recipients.unassigned[:5])
        more = len(recipients.unassigned) - 5
        warnings.append(f"{len(recipients.unassigned)} number(s) are well formed but in no "
                        "range a carrier has assigned "
                        f"({shown}{f' and {more} more' if more > 0 else ''}): Twilio accepts "
                        "them, then carriers report them undelivered (30005/30006). Check them "
                        "before sending.")
    return Plan(recipients, body or "", media, sender, rate, counted.segments, counted.encoding,
                trial, warnings)
