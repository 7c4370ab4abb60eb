"""Exercise checks: wrong answers get a precise hint, and every shipped solution passes."""

import pytest
from twilio.base.exceptions import TwilioRestException

from helpers import exercises, wait
from helpers.exercises import (
    check_account_type,
    check_redacted,
    check_single_segment_ucs2,
    check_team_results,
    check_two_images,
    solution,
)

OWL = "https://demo.twilio.com/owl.png"


def run_solution(name, client, settings, **variables):
    """Execute the solution as a notebook cell would; return the value of its last line."""
    namespace = {"client": client, "settings": settings, "wait": wait,
                 "TwilioRestException": TwilioRestException, **variables}
    namespace.update({n: getattr(exercises, n) for n in dir(exercises) if n.startswith("check_")})
    *body, last = solution(name).code.splitlines()
    exec("\n".join(body), namespace)
    return eval(last, namespace)


def send(client, settings, body, to=None, **kwargs):
    return client.messages.create(
        body=body, from_=settings.from_number, to=to or settings.my_phone_number, **kwargs)


def test_account_type_wrong_answers(client):
    assert "read its .type" in check_account_type("Full", True).message
    result = check_account_type("Trial", True)
    assert not result.passed and "cannot text unverified" in result.message


def test_account_type_solution(client, settings):
    assert run_solution("account_type", client, settings).passed


def test_ucs2_check_without_any_message(client):
    result = check_single_segment_ucs2()
    assert not result.passed and "nothing was sent" in result.message


def test_ucs2_check_rejects_gsm7_and_two_segments(client, settings):
    send(client, settings, "plain text")
    assert "plain GSM-7" in check_single_segment_ucs2().message
    send(client, settings, "🙂" * 20)  # 38 + 40 units: two UCS-2 segments
    result = check_single_segment_ucs2()
    assert not result.passed and "needs 2 segments" in result.message


def test_ucs2_check_reads_only_messages_to_you(client, settings):
    send(client, settings, "Hi 🙂", to="+14158141829")
    assert not check_single_segment_ucs2().passed


def test_ucs2_solution(client, settings):
    result = run_solution("single_segment_ucs2", client, settings)
    assert result.passed and "👋" in result.message


def test_redacted_check_wrong_answers(client, settings):
    assert "No message with sid" in check_redacted("SM" + "0" * 32).message
    message = send(client, settings, "secret")
    assert "'queued'" in check_redacted(message.sid).message
    wait(10)
    assert "still stored" in check_redacted(message.sid).message


def test_redacted_solution(client, settings):
    assert run_solution("redacted", client, settings).passed


TEAM = ["+15558675310", "555-0100", "+14158141829"]
BODY = "Team meeting moved to 3 pm"


def test_team_check_wants_every_entry(client):
    assert "one entry per number" in check_team_results({}, TEAM, BODY).message


def test_team_check_spots_a_batch_stopped_by_the_failure(client, settings):
    sid = send(client, settings, BODY, to=TEAM[0]).sid
    result = check_team_results({TEAM[0]: sid, TEAM[1]: 21211, TEAM[2]: None}, TEAM, BODY)
    assert not result.passed and "+14158141829 never received" in result.message


def test_team_check_wants_the_error_for_the_bad_number(client, settings):
    sids = {n: send(client, settings, BODY, to=n).sid for n in (TEAM[0], TEAM[2])}
    results = {**sids, TEAM[1]: sids[TEAM[0]]}
    assert "record the error code" in check_team_results(results, TEAM, BODY).message


def test_team_solution(client, settings):
    assert run_solution("team_results", client, settings, team=TEAM, body=BODY).passed


def test_two_images_wrong_answers(client, settings):
    one = send(client, settings, "owl", media_url=[OWL])
    assert "carries 1 media" in check_two_images(one.sid).message
    elsewhere = send(client, settings, "owls", to="+14158141829", media_url=[OWL, OWL])
    assert "send it to your own number" in check_two_images(elsewhere.sid).message


def test_two_images_solution(client, settings):
    assert run_solution("two_images", client, settings).passed


@pytest.mark.parametrize("name", sorted(exercises.SOLUTIONS))
def test_solutions_stay_hidden_until_clicked(name):
    shown = solution(name)
    assert shown._repr_html_().startswith("<details><summary>")
    assert "click to reveal" in repr(shown)


@pytest.fixture
def live_record(monkeypatch, client):
    """Live mode's view: no in-process emulator, so checks read client.messages.list()."""
    monkeypatch.setattr(exercises, "get_emulator", lambda settings=None: None)


@pytest.mark.parametrize(
    ("name", "variables"),
    [("single_segment_ucs2", {}), ("redacted", {}), ("two_images", {}),
     ("team_results", {"team": TEAM, "body": BODY})],
)
def test_solutions_pass_when_checks_read_the_message_list(live_record, client, settings, name,
                                                          variables):
    assert run_solution(name, client, settings, **variables).passed


def test_the_message_list_view_still_rejects_wrong_answers(live_record, client, settings):
    send(client, settings, "plain text")
    assert "plain GSM-7" in check_single_segment_ucs2().message
