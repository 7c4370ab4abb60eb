"""Twilio's facts (`helpers.facts`) agree with what the installed twilio library documents,
with each other, and with the emulator's seeded world."""

import inspect
import re

import phonenumbers
import pytest
from twilio.rest.api.v2010.account.message import MessageList

from helpers import facts
from helpers.emulator import seed
from helpers.guidance import ERRORS
from helpers.segments import count_segments

CREATE_DOC = inspect.getdoc(MessageList.create)
STREAM_DOC = inspect.getdoc(MessageList.stream)
WORDS = {"ten": 10}


def test_message_limits_are_the_twilio_librarys():
    assert re.search(r"Can be up to ([\d,]+) characters", CREATE_DOC).group(1) == (
        f"{facts.MAX_BODY:,}")
    assert WORDS[re.search(r"up to (\w+) `media_url` parameters", CREATE_DOC).group(1)] == (
        facts.MAX_MEDIA)
    assert f"The media size limit is {facts.MAX_IMAGE_MB} MB" in CREATE_DOC
    assert f"{facts.MAX_OTHER_MEDIA_KB} KB for" in CREATE_DOC


def test_validity_period_and_paging_are_the_twilio_librarys():
    low, high = re.search(r"integers from `(\d+)` to `(\d+)`", CREATE_DOC).groups()
    assert (int(low), int(high)) == (facts.VALIDITY_PERIOD_MIN, facts.VALIDITY_PERIOD_MAX)
    assert f"Default value is `{facts.DEFAULT_VALIDITY_PERIOD}`" in CREATE_DOC
    assert f"default value of {facts.DEFAULT_PAGE_SIZE} records" in STREAM_DOC
    assert f"min(limit, {facts.MAX_PAGE_SIZE})" in STREAM_DOC


def test_twilios_texts_name_the_limits():
    assert f"the {facts.MAX_BODY} character limit" in facts.CATALOG[21617][1]
    assert facts.CATALOG[21623][1].endswith(f"Maximum allowed: {facts.MAX_MEDIA}")


def test_segment_capacities_follow_from_140_octets():
    assert facts.SINGLE_SEGMENT == {"GSM-7": 160, "UCS-2": 70}
    assert facts.MULTI_SEGMENT == {"GSM-7": 153, "UCS-2": 67}
    assert count_segments("a" * 160).segments == 1
    assert count_segments("a" * 161).segments == 2


def test_every_code_has_a_status_a_text_and_the_courses_explanation():
    for code, (status, text) in facts.CATALOG.items():
        assert 400 <= status < 600 and text, code
        assert facts.error_status(code) == status
    assert set(facts.CATALOG) | set(facts.DELIVERY_ERRORS) <= set(ERRORS)
    assert facts.more_info(21211) == "https://www.twilio.com/docs/errors/21211"


@pytest.mark.parametrize("number", [
    *facts.MAGIC_FROM, *facts.MAGIC_TO, facts.MAGIC_FROM_OK, *facts.FAILURE_NUMBERS,
])
def test_test_numbers_are_e164(number):
    parsed = phonenumbers.parse(number)
    assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number
    assert len(number) - 1 <= facts.E164_MAX_DIGITS


def test_failure_numbers_fail_with_delivery_errors():
    assert set(facts.FAILURE_NUMBERS.values()) <= set(facts.DELIVERY_ERRORS)


def test_the_seeded_senders_go_at_twilios_speeds():
    for account in seed.ACCOUNTS:
        for number in account.numbers:
            if number.sms:
                kind = facts.sender_kind(number.phone_number)
                assert number.mps == facts.SENDER_MPS[kind], number


def test_prices():
    assert facts.message_price(3) == pytest.approx(3 * facts.PRICE_SMS_NORTH_AMERICA)
    assert facts.message_price(3, north_america=False) == pytest.approx(
        3 * facts.PRICE_SMS_INTERNATIONAL)
    assert facts.message_price(9, mms=True) == facts.PRICE_MMS
