"""The dry run: count, segments and encoding, estimated cost and time at the sender's rate."""

import pytest
from twilio.rest import Client

from helpers.bulk import BulkInputError, plan_bulk
from helpers.emulator import EmulatorHttpClient, seed
from helpers.facts import PRICE_MMS, PRICE_SMS_NORTH_AMERICA

from .conftest import ACCOUNT, LONG_CODE, SHORT_CODE, TOLL_FREE, numbers


def test_long_code_plan_counts_cost_and_time():
    plan = plan_bulk(numbers(120) + ["+1 202 555 1000", "12"], "Hello from Python!",
                     from_=LONG_CODE)
    assert plan.count == 120
    assert (plan.segments, plan.encoding) == (1, "GSM-7")
    assert plan.estimated_cost == pytest.approx(120 * PRICE_SMS_NORTH_AMERICA)
    assert plan.estimated_seconds == 120.0
    text = str(plan)
    assert "120 to send, 1 duplicates dropped, 1 invalid" in text
    assert "2 min 00 s" in text and "$0.95" in text
    assert "'12': too short for its country (Twilio error 21211)" in text
    assert "<table>" in plan._repr_html_() and "21211" in plan._repr_html_()


@pytest.mark.parametrize(("sender", "mps"), [(LONG_CODE, 1), (TOLL_FREE, 3), (SHORT_CODE, 100)])
def test_time_follows_the_senders_rate_per_segment(sender, mps):
    body = "a" * 161  # two GSM-7 segments
    plan = plan_bulk(numbers(300), body, from_=sender)
    assert (plan.segments, plan.mps) == (2, mps)
    assert plan.estimated_seconds == pytest.approx(300 * 2 / mps)
    assert plan.estimated_cost == pytest.approx(300 * 2 * PRICE_SMS_NORTH_AMERICA)


def test_unicode_body_is_ucs2_and_the_trial_prefix_counts():
    emoji = plan_bulk(numbers(2), "Merci 🙂 " * 9, from_=LONG_CODE)
    assert (emoji.segments, emoji.encoding) == (2, "UCS-2")
    body = "b" * 130
    assert plan_bulk(numbers(1), body, from_=LONG_CODE).segments == 1
    assert plan_bulk(numbers(1), body, from_=LONG_CODE, trial=True).segments == 2


def test_with_a_trial_client_the_plan_counts_the_prefix_and_flags_unverified(emulator):
    trial = Client(seed.TRIAL.sid, seed.TRIAL.auth_token,
                   http_client=EmulatorHttpClient(emulator))
    plan = plan_bulk([seed.DEFAULT_TO, "+12025550150"], "b" * 130, from_=seed.DEFAULT_FROM,
                     client=trial)
    assert plan.trial is True and plan.segments == 2  # 38-character prefix + 130
    assert any("1 recipient(s) are not verified" in w and "+12025550150" in w
               for w in plan.warnings)
    assert emulator.outbox(seed.TRIAL.sid) == []  # a dry run sends nothing


def test_messaging_service_rate_is_its_sender_pool(client):
    service = ACCOUNT.messaging_service.sid
    plan = plan_bulk(numbers(50), "Hi", messaging_service_sid=service, client=client)
    assert plan.mps == 1 + 1 + 3  # two long codes and a toll-free number
    assert plan.estimated_seconds == 10.0
    assert "3 senders" in str(plan)


def test_mms_is_one_unit_per_message_and_priced_per_message():
    plan = plan_bulk(numbers(10) + ["+44 20 7183 8750"], "a" * 300, from_=SHORT_CODE,
                     media_url="https://demo.twilio.com/owl.png")
    assert plan.units_per_message == 1 and plan.mps == 25  # the account's MMS limit
    assert plan.estimated_cost == pytest.approx(10 * PRICE_MMS)
    assert "1 outside +1 not included" in str(plan)


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"body": "Hi"}, "21603"),
    ({"body": "", "from_": LONG_CODE}, "21619"),
    ({"body": "x" * 1601, "from_": LONG_CODE}, "21617"),
    ({"body": "Hi", "from_": LONG_CODE, "media_url": ["ftp://x"]}, "21620"),
])
def test_bad_input_names_the_fix_and_twilio_code(kwargs, code):
    with pytest.raises(BulkInputError, match=code):
        plan_bulk(numbers(1), **kwargs)


@pytest.mark.parametrize("mps", [0, -1, float("nan"), "fast"])
def test_a_rate_that_is_not_positive_is_refused_before_anything_is_sent(mps):
    with pytest.raises(BulkInputError, match="positive number"):
        plan_bulk(numbers(1), "Hi", from_=LONG_CODE, mps=mps)


def test_a_number_no_carrier_owns_is_flagged_with_what_will_happen():
    plan = plan_bulk([seed.DEFAULT_TO, "+14155550100"], "Hi", from_=LONG_CODE)
    [warning] = [w for w in plan.warnings if seed.DEFAULT_TO in w]
    assert "no range a carrier has assigned" in warning and "30005/30006" in warning
    assert "+14155550100" not in warning
