"""Turn Twilio errors into guidance: the code, what it means, the fix and the docs link.

`explain(exc_or_code)` returns a `Guidance` that renders as an HTML card in a notebook and as
plain text elsewhere. `friendly_errors()` wraps a cell so a failed call shows that card instead
of a traceback:

    with friendly_errors():
        client.messages.create(to="555-1234", from_=settings.from_number, body="Hi")

Twilio's side of each code (HTTP status, its message text, the docs page) is the error
catalogue in ``helpers.facts.errors``; this module holds only the course's explanation of
each code (a title, what it means, how to fix it), keyed by the same codes.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import requests
import twilio
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException

from .config import ConfigError
from .facts import MAX_BODY, MAX_MEDIA, more_info

# code -> (short title, plain-language meaning, the fix)
ERRORS: dict[int, tuple[str, str, str]] = {
    20001: (
        "Invalid parameter",
        "One of the values sent with the request is not acceptable.",
        "Read the text Twilio returned: it names the parameter. Correct it and send again.",
    ),
    20003: (
        "Authentication failed",
        "Twilio did not accept the Account SID and Auth Token pair this client sent.",
        "Copy the Account SID and Auth Token again from Account Info at "
        "https://console.twilio.com, save them with the form in notebook 00, then restart the "
        "kernel so the new .env is read.",
    ),
    20008: (
        "Not available with test credentials",
        "Test credentials can create messages but cannot fetch or list them.",
        "Use your live Account SID and Auth Token to read messages back.",
    ),
    20009: (
        "Message still in flight",
        "A message cannot be deleted before its delivery has finished.",
        "Wait until the status is delivered, undelivered or failed, then delete it.",
    ),
    20404: (
        "Resource not found",
        "Nothing exists at that address for this account: the SID is mistyped, belongs to "
        "another account, or the resource was deleted.",
        "Check the SID (SM/MM for messages, ME for media) and that the client uses the account "
        "that created it.",
    ),
    20429: (
        "Too many requests",
        "Twilio refused the request because too many arrived at once. It was not processed.",
        "Wait and retry: the request is always safe to repeat. Back off exponentially with "
        "jitter, or send through a queue at a steady pace.",
    ),
    20500: (
        "Twilio internal error",
        "Something failed on Twilio's side; your request may not have been processed.",
        "Retry after a short pause. For a create, list recent messages first so a retry does "
        "not send twice.",
    ),
    21211: (
        "Invalid 'To' phone number",
        "The recipient is not a valid phone number.",
        "Write it in E.164: '+', country code, then the number without spaces or dashes "
        "(e.g. +15558675310). helpers.to_e164('(555) 867-5310') converts it for you.",
    ),
    21212: (
        "Invalid 'From' number",
        "The sender is not a valid phone number, short code or alphanumeric sender ID.",
        "Use one of your Twilio numbers in E.164 form; notebook 01 lists them.",
    ),
    21408: (
        "Region not enabled",
        "Your account is not allowed to send SMS to the country of the 'To' number.",
        "Enable that country under Messaging > Settings > Geo permissions in the Console.",
    ),
    21603: (
        "'From' number required",
        "The request named no sender.",
        "Pass from_=<your Twilio number> or messaging_service_sid=<MG...>.",
    ),
    21604: (
        "'To' number required",
        "The request named no recipient.",
        "Pass to=<recipient in E.164>.",
    ),
    21606: (
        "'From' number cannot send SMS",
        "The sender is not an SMS-capable phone number or short code owned by this account.",
        "List your numbers (client.incoming_phone_numbers.list()) and pick one whose "
        "capabilities include sms.",
    ),
    21608: (
        "Unverified number on a trial account",
        "Trial accounts may only send to phone numbers verified on the account.",
        "Verify the recipient under Phone Numbers > Verified Caller IDs in the Console, or "
        "upgrade the account.",
    ),
    21609: (
        "Invalid StatusCallback URL",
        "The status_callback value is not a valid URL.",
        "Pass a full public http(s) URL, or leave status_callback out.",
    ),
    21610: (
        "Recipient unsubscribed",
        "The recipient replied STOP to this sender, so Twilio blocks further messages.",
        "Do not retry. Messages resume only after the recipient replies START.",
    ),
    21611: (
        "Queue full",
        "This sender already has more messages queued than it can send within the validity "
        "window.",
        "Slow down, spread the traffic over a Messaging Service with more senders, or use a "
        "higher-throughput sender (toll-free or short code).",
    ),
    21612: (
        "Cannot route to this number",
        "The 'To' number cannot be reached from this 'From' number by SMS.",
        "Use a sender that can reach that country and carrier, and check the number is correct.",
    ),
    21614: (
        "Not a mobile number",
        "The 'To' number is a landline or otherwise cannot receive SMS.",
        "Send to a mobile number.",
    ),
    21617: (
        "Body too long",
        f"The message body is longer than {MAX_BODY:,} characters.",
        "Shorten the body or split it into several messages.",
    ),
    21619: (
        "Nothing to send",
        "The request had neither a body nor a media URL.",
        "Pass body='...' and/or media_url=['https://...'].",
    ),
    21620: (
        "Invalid media URL",
        "A media URL is not a valid, public http(s) address.",
        "Use full http:// or https:// URLs that anyone can open without logging in.",
    ),
    21621: (
        "'From' number cannot send MMS",
        "The sender has no MMS capability.",
        "Send from a US or Canadian long code or toll-free number whose capabilities include mms.",
    ),
    21623: (
        "Too many media",
        f"A message can carry at most {MAX_MEDIA} media URLs.",
        f"Send {MAX_MEDIA} or fewer media_url entries per message.",
    ),
    21705: (
        "Invalid Messaging Service SID",
        "No Messaging Service with that SID exists on this account.",
        "Copy the MG... SID from Messaging > Services in the Console.",
    ),
    30400: (
        "Invalid parameters",
        "A parameter of the request is not valid for this operation.",
        "Read the text Twilio returned: it names the parameter.",
    ),
    30409: (
        "Cannot cancel",
        "Only a scheduled message can be canceled, while it is still scheduled.",
        "Check the message's status before canceling; a message on its way cannot be recalled.",
    ),
    21266: (
        "To and From are the same",
        "A number cannot text itself.",
        "Send to another number than the one in From.",
    ),
    21624: (
        "Invalid validity period",
        "validity_period must be a whole number of seconds from 1 to 36000 (10 hours).",
        "Pass an integer in that range, or leave it out for the 10-hour default.",
    ),
    21910: (
        "From and To on different channels",
        "The To is a channel address (such as whatsapp:+1...) but the sender is an SMS number.",
        "Use the same channel on both sides: plain numbers for SMS, a WhatsApp sender for "
        "whatsapp: recipients.",
    ),
    35111: (
        "SendAt missing",
        "schedule_type='fixed' needs the time to send at.",
        "Pass send_at, a datetime 5 minutes to 35 days ahead.",
    ),
    35114: (
        "SendAt too soon",
        "A scheduled message must be scheduled at least 5 minutes (300 s) ahead.",
        "Pick a send_at later than 5 minutes from now, or send the message at once.",
    ),
    35115: (
        "SendAt not supported",
        "send_at is not an ISO 8601 time, or is more than 35 days ahead.",
        "Pass a datetime (UTC) at most 35 days ahead.",
    ),
    35118: (
        "Scheduling needs a Messaging Service",
        "Only messages sent through a Messaging Service can be scheduled.",
        "Pass messaging_service_sid (MG...) with schedule_type and send_at.",
    ),
    63007: (
        "No channel sender",
        "The From is a channel address (such as whatsapp:+1...) that no sender of this "
        "account has.",
        "Set up that channel's sender in the Console first, or send a plain SMS.",
    ),
    14107: (
        "Send rate limit exceeded",
        "Too many messages went between the same two numbers in a short time.",
        "Pause before sending to this recipient again.",
    ),
    30001: (
        "Queue overflow",
        "The senders of the Messaging Service had more queued than they can send in 10 hours,"
        " so the message was accepted and then dropped.",
        "Send more slowly or add senders to the service.",
    ),
    30036: (
        "Validity period expired",
        "The message waited in the queue longer than its validity period and was dropped.",
        "Send more slowly or add senders; set validity_period to what the message is worth.",
    ),
    30003: (
        "Unreachable handset",
        "The carrier could not reach the phone: it may be off or out of coverage.",
        "Try again later; the API call itself was fine.",
    ),
    30004: (
        "Message blocked",
        "The recipient or their carrier blocked the message.",
        "Do not retry automatically; confirm the recipient wants your messages.",
    ),
    30005: (
        "Unknown destination handset",
        "The number does not exist or is no longer in service.",
        "Remove or correct the number.",
    ),
    30006: (
        "Landline or unreachable carrier",
        "The number is a landline or its carrier does not accept SMS.",
        "Send to a mobile number instead.",
    ),
    30007: (
        "Filtered by the carrier",
        "The carrier's filter flagged the message as spam or unregistered traffic.",
        "Register your traffic (A2P 10DLC or toll-free verification) and avoid spam-like "
        "content such as URL shorteners.",
    ),
    30008: (
        "Unknown error",
        "The carrier reported a failure without a reason.",
        "Retry once later; contact Twilio support if it persists.",
    ),
    30032: (
        "Toll-free number not verified",
        "US carriers block messages from toll-free numbers that are not verified.",
        "Submit the toll-free verification in the Console.",
    ),
    30034: (
        "Unregistered 10DLC number",
        "US carriers block messages from local numbers not registered for A2P 10DLC.",
        "Register a brand and campaign and add the number to it.",
    ),
}


@dataclass(frozen=True, repr=False)
class Guidance:
    """What went wrong, in plain language, with the fix and where to read more."""

    title: str
    meaning: str
    fix: str
    code: int | None = None
    status: int | None = None
    twilio_message: str = ""

    @property
    def docs_url(self) -> str | None:
        return more_info(self.code) if self.code else None

    def __str__(self) -> str:
        head = f"Error {self.code}: {self.title}" if self.code else self.title
        if self.status:
            head += f" (HTTP {self.status})"
        lines = [head]
        if self.twilio_message:
            lines.append(f"Twilio said: {self.twilio_message}")
        lines += [f"What it means: {self.meaning}", f"How to fix it: {self.fix}"]
        if self.docs_url:
            lines.append(f"Docs: {self.docs_url}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        e = html.escape
        head = f"Error {self.code}: {e(self.title)}" if self.code else e(self.title)
        if self.status:
            head += f" <small>(HTTP {self.status})</small>"
        rows = [f"<div style='font-weight:bold;margin-bottom:4px'>⚠ {head}</div>"]
        if self.twilio_message:
            rows.append(f"<div><b>Twilio said:</b> <code>{e(self.twilio_message)}</code></div>")
        rows.append(f"<div><b>What it means:</b> {e(self.meaning)}</div>")
        rows.append(f"<div><b>How to fix it:</b> {e(self.fix)}</div>")
        if self.docs_url:
            rows.append(
                f"<div><b>Docs:</b> <a href='{self.docs_url}' target='_blank'>"
                f"{self.docs_url}</a></div>"
            )
        return (
            "<div style='border-left:4px solid #d9534f;background:#fdf2f2;padding:8px 12px;"
            "margin:4px 0;color:#222'>" + "".join(rows) + "</div>"
        )


def for_code(code: int, twilio_message: str = "", status: int | None = None) -> Guidance:
    """Guidance for a Twilio error code, e.g. a message's `error_code` after delivery failed."""
    title, meaning, fix = ERRORS.get(
        code,
        (
            "Twilio error",
            "Twilio reported an error this tutorial has no notes for.",
            "Read the page linked below for this code.",
        ),
    )
    return Guidance(title, meaning, fix, code=code, status=status, twilio_message=twilio_message)


def _strip_prefix(msg: str) -> str:
    """'Unable to create record: The To number...' -> 'The To number...'."""
    head, sep, rest = msg.partition(": ")
    return rest if sep and head.startswith("Unable to ") else msg


def _page_error(exc: TwilioException) -> Guidance | None:
    """List calls raise TwilioException('Unable to fetch page', response): read the response."""
    response = exc.args[1] if len(exc.args) > 1 else None
    text = getattr(response, "text", None)
    if not text:
        return None
    try:
        payload = json.loads(text)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not payload.get("code"):
        return None
    return for_code(int(payload["code"]), payload.get("message", ""), payload.get("status"))


def explain(error: BaseException | int) -> Guidance:
    """Guidance for an exception raised by a Twilio call, or for a bare error code."""
    if isinstance(error, int):
        return for_code(error)
    if isinstance(error, TwilioRestException):
        if error.code:
            return for_code(int(error.code), _strip_prefix(str(error.msg)), error.status)
        return Guidance(
            "Twilio returned an error",
            "The request failed without a Twilio error code.",
            "Check the HTTP status and the message; retry 5xx errors after a pause.",
            status=error.status,
            twilio_message=_strip_prefix(str(error.msg)),
        )
    if isinstance(error, TwilioServiceException):
        return for_code(int(error.code), error.detail or error.title, error.status)
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return Guidance(
            "Could not connect in time",
            "The request never reached Twilio, so nothing was created.",
            "Retry after a pause; check your connection if it keeps happening.",
        )
    if isinstance(error, requests.exceptions.Timeout):
        return Guidance(
            "The request timed out",
            "No answer arrived in time. The message may or may not have been created.",
            "Before sending again, list recent messages (client.messages.list(to=...)) to see "
            "whether it went out, so the recipient does not get it twice.",
        )
    if isinstance(error, requests.exceptions.ConnectionError):
        return Guidance(
            "Could not reach Twilio",
            "The network connection to api.twilio.com failed.",
            "Check your internet connection or proxy, or use emulator mode (TWILIO_MODE=emulator).",
        )
    if isinstance(error, TwilioException):
        page = _page_error(error)
        if page:
            return page
        return Guidance(
            "The Twilio library reported a problem",
            str(error.args[0]) if error.args else type(error).__name__,
            "Check the values passed to the call; missing credentials are the usual cause.",
        )
    return Guidance(
        "That value was not accepted",
        str(error),
        "Correct the value as the message above says and run the cell again.",
    )


HANDLED = (TwilioException, requests.exceptions.RequestException, ValueError)
_OWN_CODE = (Path(__file__).resolve().parent, Path(twilio.__file__).resolve().parent)


def _is_handled(exc: BaseException) -> bool:
    """Twilio, network and settings errors; a ValueError only when the helpers or the twilio
    library raised it (bad input they checked), not from a bug in the learner's own code."""
    if not isinstance(exc, HANDLED):
        return False
    if not isinstance(exc, ValueError) or isinstance(exc, ConfigError):
        return True
    tb = exc.__traceback__
    while tb and tb.tb_next:
        tb = tb.tb_next
    origin = Path(tb.tb_frame.f_code.co_filename).resolve() if tb else None
    return origin is not None and any(origin.is_relative_to(root) for root in _OWN_CODE)


class friendly_errors:
    """Context manager: show guidance for a Twilio, network or input error instead of a traceback.

    After the block, `.guidance` holds the Guidance shown (None if nothing failed). Other
    exceptions, including a ValueError from your own code, propagate as usual.
    """

    def __init__(self, show: bool = True):
        self.show = show
        self.guidance: Guidance | None = None

    def __enter__(self) -> friendly_errors:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None or not _is_handled(exc):
            return False
        self.guidance = explain(exc)
        if self.show:
            _show(self.guidance)
        return True


def _show(obj) -> None:
    """Display in a notebook; IPython's display() prints str(obj) outside one."""
    from IPython.display import display

    display(obj)
