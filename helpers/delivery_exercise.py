"""Notebook 05's exercise: a failure report built only from genuine status callbacks."""

from __future__ import annotations

from .exercises import SOLUTIONS, Result, sent_messages

FAILED = ("undelivered", "failed")

SOLUTION = """\
validator = RequestValidator(settings.auth_token)
failure_report = {}
for callback in receiver.received:
    params = callback["params"]
    if not validator.validate(callback["url"], params, callback["signature"]):
        continue  # not signed with your token: not from Twilio, ignore it
    if params["MessageStatus"] in ("undelivered", "failed"):
        failure_report[params["To"]] = int(params["ErrorCode"])
check_failure_report(failure_report)"""
# Revealed with helpers.exercises.solution("failure_report"), like every other exercise.
SOLUTIONS.setdefault("failure_report", SOLUTION)


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

