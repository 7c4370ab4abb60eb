"""The notebooks' exercises: a check for each, reading what was really sent, and a solution.

Offline, a check reads the emulator's record (`get_emulator().outbox()`); live, it reads your
account's recent messages. `solution(name)` shows a worked answer behind a click.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .client import get_client, get_emulator
from .config import get_settings
from .phone import to_e164
from .segments import count_segments


@dataclass(frozen=True)
class Result:
    """The verdict of a check: `passed`, and what to do next."""

    passed: bool
    message: str

    def __str__(self) -> str:
        return f"{'✔ Well done' if self.passed else '✘ Not yet'}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour, background = ("#1b5e20", "#edf7ee") if self.passed else ("#8a4b00", "#fff6e5")
        return (
            f"<div style='border-left:4px solid {colour};background:{background};"
            f"padding:6px 10px;color:#222'>{html.escape(str(self))}</div>"
        )


def sent_messages() -> list[dict]:
    """Outbound messages of this account, oldest first, as Twilio JSON dicts."""
    settings = get_settings()
    emulator = get_emulator(settings)
    if emulator is not None:
        return [dict(m) for m in emulator.outbox(account_sid=settings.account_sid)]
    messages = get_client(settings).messages.list(limit=200)
    return [
        {
            "sid": m.sid, "to": m.to, "from": m.from_, "body": m.body, "status": m.status,
            "num_segments": m.num_segments, "num_media": m.num_media,
            "error_code": m.error_code,
        }
        for m in reversed(messages)
        if (m.direction or "").startswith("outbound")
    ]


def _find(sid: str) -> dict | None:
    return next((m for m in sent_messages() if m["sid"] == sid), None)


def _no_such_sid(sid) -> Result:
    return Result(False, f"No message with sid {sid!r} was sent from this account. Pass the "
                         "`.sid` of the message your code created (it starts with SM or MM).")


def check_account_type(account_type: str, can_text_anyone: bool) -> Result:
    """Notebook 00: the account's type from the API, and what it allows."""
    settings = get_settings()
    actual = get_client(settings).api.v2010.accounts(settings.account_sid).fetch().type
    if account_type != actual:
        return Result(False, f"account_type is {account_type!r}. Fetch the account with "
                             "client.api.v2010.accounts(settings.account_sid).fetch() and "
                             "read its .type.")
    if can_text_anyone != (actual == "Full"):
        return Result(False, f"A {actual!r} account "
                             f"{'can' if actual == 'Full' else 'cannot'} text unverified "
                             "numbers: look again at the trial restrictions above.")
    return Result(True, f"this is a {actual} account; "
                        f"{'any' if actual == 'Full' else 'only verified'} numbers can be "
                        "texted.")


def check_single_segment_ucs2() -> Result:
    """Notebook 01: your latest message to yourself is UCS-2 and fits in one segment."""
    settings = get_settings()
    mine = [m for m in sent_messages() if m["to"] == settings.my_phone_number]
    if not mine:
        return Result(False, f"nothing was sent to {settings.my_phone_number} yet. Send it "
                             "with client.messages.create(...).")
    body = mine[-1]["body"] or ""
    count = count_segments(body)
    if count.encoding != "UCS-2":
        return Result(False, "your latest message is plain GSM-7. Add one character outside "
                             "the GSM-7 alphabet, such as an emoji or a curly apostrophe (’).")
    if count.segments != 1:
        return Result(False, f"it is UCS-2 but needs {count.segments} segments. One UCS-2 "
                             f"segment holds 70 units and the body as sent has {count.units}"
                             ": shorten it.")
    forcing = " ".join(count.ucs2_chars)
    return Result(True, f"one UCS-2 segment ({count.units} of 70 units), UCS-2 because of "
                        f"{forcing}.")


def check_redacted(sid: str) -> Result:
    """Notebook 02: the message was delivered and its body then redacted."""
    message = _find(sid)
    if message is None:
        return _no_such_sid(sid)
    if message["status"] != "delivered":
        return Result(False, f"its status is {message['status']!r}. Fetch it again after "
                             "wait(...) until it is 'delivered', then redact it.")
    if message["body"]:
        return Result(False, "the body is still stored. Redact it with "
                             "client.messages(sid).update(body='').")
    return Result(True, "delivered, and its body is no longer stored at Twilio.")


def check_team_results(results: dict, team: list[str], body: str) -> Result:
    """Notebook 03: every valid number got `body`, the bad one did not stop the batch, and
    `results` records an outcome for each entry of `team`."""
    if not isinstance(results, dict) or set(results) != set(team):
        return Result(False, "results must have one entry per number in team (sid or error "
                             "code), failures included.")
    sent = sent_messages()
    for number in team:
        try:
            e164 = to_e164(number)
        except ValueError:
            if str(results[number]).startswith(("SM", "MM")):
                return Result(False, f"{number!r} is not a valid number, so it cannot have a "
                                     "sid: record the error code instead.")
            continue
        received = [m for m in sent if m["to"] == e164 and (m["body"] or "").endswith(body)]
        if not received:
            return Result(False, f"{number} never received {body!r}. Keep looping after a "
                                 "failure: catch TwilioRestException inside the loop.")
        if results[number] not in {m["sid"] for m in received}:
            return Result(False, f"results[{number!r}] should be the sid of the message "
                                 f"sent to it, got {results[number]!r}.")
    return Result(True, "every valid number got the message and the failure was recorded "
                        "without stopping the batch.")


def check_two_images(sid: str) -> Result:
    """Notebook 04: an MMS to yourself carrying exactly two images."""
    message = _find(sid)
    if message is None:
        return _no_such_sid(sid)
    mine = get_settings().my_phone_number
    if message["to"] != mine:
        return Result(False, f"it went to {message['to']}; send it to your own number {mine}.")
    if message["num_media"] != "2":
        return Result(False, f"it carries {message['num_media']} media. Pass two URLs: "
                             "media_url=[first_url, second_url].")
    return Result(True, "one MMS with two images, sent to you.")


SOLUTIONS = {
    "account_type": """\
account = client.api.v2010.accounts(settings.account_sid).fetch()
account_type = account.type
can_text_anyone = account.type == "Full"
check_account_type(account_type, can_text_anyone)""",
    "single_segment_ucs2": """\
message = client.messages.create(
    body="Hi 👋",  # the emoji forces UCS-2; 38 + 5 units fit in one 70-unit segment
    from_=settings.from_number,
    to=settings.my_phone_number,
)
check_single_segment_ucs2()""",
    "redacted": """\
message = client.messages.create(
    body="Your code is 481 516",
    from_=settings.from_number,
    to=settings.my_phone_number,
)
for _ in range(30):  # at most 30 s: stop once delivery has an outcome
    if message.status in ("delivered", "undelivered", "failed"):
        break
    wait(1)
    message = message.fetch()
message = message.update(body="")
check_redacted(message.sid)""",
    "team_results": """\
results = {}
for number in team:
    try:
        message = client.messages.create(body=body, from_=settings.from_number, to=number)
        results[number] = message.sid
    except TwilioRestException as error:
        results[number] = error.code
check_team_results(results, team, body)""",
    "two_images": """\
message = client.messages.create(
    body="Two owls",
    from_=settings.from_number,
    media_url=["https://demo.twilio.com/owl.png", "https://demo.twilio.com/logo.png"],
    to=settings.my_phone_number,
)
check_two_images(message.sid)""",
    "failure_report": """\
validator = RequestValidator(settings.auth_token)
failure_report = {}
for callback in receiver.received:
    params = callback["params"]
    if not validator.validate(callback["url"], params, callback["signature"]):
        continue  # not signed with your token: not from Twilio, ignore it
    if params["MessageStatus"] in ("undelivered", "failed"):
        failure_report[params["To"]] = int(params["ErrorCode"])
check_failure_report(failure_report)""",
}


FAILED = ("undelivered", "failed")


def check_failure_report(report: dict) -> Result:
    """`report` maps each number whose latest message failed to its error code (an int)."""
    if not isinstance(report, dict):
        return Result(False, "failure_report must be a dict: {to_number: error_code}.")
    latest = {m["to"]: m for m in sent_messages()}
    expected = {to: int(m["error_code"]) for to, m in latest.items()
                if m["status"] in FAILED and m["error_code"]}
    trusted_forgery = [to for to in report if to not in expected and to in latest]
    if trusted_forgery:
        return Result(False, f"your latest message to {trusted_forgery[0]} did not fail: that "
                             "callback was forged. Skip every callback whose X-Twilio-Signature "
                             "does not validate with RequestValidator.")
    missing = sorted(expected.keys() - report.keys())
    if missing:
        return Result(False, f"{len(missing)} failed message(s) are missing, e.g. to "
                             f"{missing[0]}. Keep callbacks whose MessageStatus is "
                             "'undelivered' or 'failed'.")
    wrong = [to for to in expected if report[to] != expected[to]]
    if wrong:
        return Result(False, f"the code for {wrong[0]} should be the callback's ErrorCode "
                             f"as an int ({expected[wrong[0]]}), not {report[wrong[0]]!r}.")
    if not expected:
        return Result(False, "none of your messages has failed yet: send to the failure "
                             "numbers above and let time pass first.")
    return Result(True, f"{len(expected)} failed messages, each with its error code, and the "
                        "forged callback was ignored.")


@dataclass(frozen=True)
class Solution:
    """A worked answer, folded away until the learner clicks it."""

    name: str
    code: str

    def __repr__(self) -> str:
        return f"Solution to the {self.name!r} exercise (click to reveal)"

    def _repr_html_(self) -> str:
        return (
            "<details><summary><b>Show a solution</b></summary>"
            f"<pre>{html.escape(self.code)}</pre></details>"
        )


def solution(name: str) -> Solution:
    """The solution of exercise `name` (one of SOLUTIONS)."""
    return Solution(name, SOLUTIONS[name])
