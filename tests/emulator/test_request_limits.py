"""Limits applied before any work, in process (issue 14, items 4-5): repeated parameters read
in linear time, lengths no real request has refused with Twilio's code before any cache sees
them, bounded chaos and clock settings that change nothing when refused."""

import json
import math
import sqlite3
import time

import pytest

from helpers.emulator import Emulator
from helpers.emulator.api.forms import MAX_PARAMS, Form
from helpers.emulator.rules import messages, numbers
from helpers.emulator.runtime.chaos import ChaosSettings
from helpers.emulator.seed import DEFAULT_TO, UPGRADED
from helpers.emulator.state.clock import MAX_ADVANCE, MAX_OFFSET, Clock

URL = f"https://api.twilio.com/2010-04-01/Accounts/{UPGRADED.sid}/Messages.json"
AUTH = (UPGRADED.sid, UPGRADED.auth_token)
FROM = UPGRADED.number("short_code").phone_number


def create(emulator, data, url=URL, auth=AUTH):
    status, text, _ = emulator.handle("POST", url, data=data, auth=auth)
    return status, json.loads(text) if text else None


def test_half_a_million_media_urls_are_21623_at_once(emulator):
    data = [("To", DEFAULT_TO), ("From", FROM), ("Body", "hi")]
    data += [("MediaUrl", f"https://example.com/{n}.png") for n in range(500_000)]
    started = time.perf_counter()
    status, body = create(emulator, data)
    assert (status, body["code"]) == (400, 21623)
    assert time.perf_counter() - started < 2.0  # linear: ~0.2 s; quadratic took minutes


def test_a_form_keeps_eleven_values_of_a_repeated_parameter():
    form = Form([("MediaUrl", "u")] * 100_000, {"MediaUrl": ["v"] * 1000})
    assert len(form.getall("MediaUrl")) == 11


@pytest.mark.parametrize(("field", "code"), [
    ("To", 21211), ("From", 21212), ("StatusCallback", 21609), ("MediaUrl", 21620),
    ("MessagingServiceSid", 21705)])
def test_a_field_longer_than_any_real_one_is_refused_before_any_cache(emulator, field, code):
    numbers._parse_number.cache_clear()
    messages._destination.cache_clear()
    data = {"To": DEFAULT_TO, "From": FROM, "Body": "hi", field: "+1" + "5" * 1_000_000}
    status, body = create(emulator, data)
    assert (status, body["code"]) == (400, code)
    assert len(body["message"]) < 300  # the message echoes the start, not a megabyte
    assert numbers._parse_number.cache_info().currsize == 0
    assert messages._destination.cache_info().currsize == 0


def test_a_long_number_never_reaches_the_number_cache():
    numbers._parse_number.cache_clear()
    assert numbers.parse_number("5" * 100_000) is None
    assert numbers._parse_number.cache_info().currsize == 0


def test_too_many_parameters_is_20001(emulator):
    data = {"To": DEFAULT_TO, "From": FROM, "Body": "hi"}
    data.update({f"P{n}": "x" for n in range(MAX_PARAMS)})
    status, body = create(emulator, data)
    assert (status, body["code"]) == (400, 20001)
    assert "too many parameters" in body["message"]


def test_a_huge_url_or_password_is_refused_before_the_routing_cache(emulator):
    status, body = create(emulator, {"To": DEFAULT_TO}, url=URL + "?x=" + "a" * 1_000_000)
    assert (status, body["code"]) == (404, 20404)
    assert len(body["message"]) < 300
    status, body = create(emulator, {"To": DEFAULT_TO}, auth=(UPGRADED.sid, "p" * 1_000_000))
    assert (status, body["code"]) == (401, 20003)
    status, text, _ = emulator.handle("GET", URL, headers={"Authorization": "Basic " + "A" * 10**6})
    assert json.loads(text)["code"] == 20003


@pytest.mark.parametrize("settings", [
    {"latency": 1e9}, {"latency": math.nan}, {"latency": -1}, {"p500": 1.5},
    {"p500": math.nan}, {"seed": math.inf, "p500": 1}, {"seed": 1.5}, {"seed": -1},
    {"seed": 2**64}, {"seed": True}, {"latency": "1"}, {"p429": 0.6, "p500": 0.6}])
def test_bad_chaos_is_refused_and_changes_nothing(emulator, settings):
    emulator.set_chaos(latency=0.5, p429=0.1, seed=7)
    before = emulator.chaos.settings
    with pytest.raises((ValueError, TypeError)):
        emulator.set_chaos(**settings)
    assert emulator.chaos.settings == before
    assert emulator.chaos.latency == 0.5


def test_chaos_accepts_its_ranges():
    ChaosSettings(latency=10, p429=0.5, p500=0.5, seed=2**63 - 1)


@pytest.mark.parametrize("seconds", [1e300, MAX_ADVANCE + 1, math.inf, math.nan, -1])
def test_clock_advance_is_bounded_and_changes_nothing_when_refused(seconds):
    clock = Clock()
    before = clock.now()
    with pytest.raises(ValueError, match="from 0 to"):
        clock.advance(seconds)
    assert clock.now() == before


def test_the_clock_stays_within_a_century():
    clock = Clock()
    for _ in range(10):
        clock.advance(MAX_ADVANCE)
    with pytest.raises(ValueError, match="reset it first"):
        clock.advance(MAX_ADVANCE)
    assert clock.now().year < 2200


@pytest.mark.parametrize(("saved", "repaired"), [(1e300, MAX_OFFSET), (-5.0, 0.0)])
def test_a_state_file_with_an_out_of_range_offset_loads_repaired(tmp_path, saved, repaired,
                                                                  caplog):
    path = tmp_path / "state.sqlite"
    Emulator(str(path)).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('clock_offset', ?)", (saved,))
    emulator = Emulator(str(path))
    assert emulator.clock.offset == repaired
    assert "out of range" in caplog.text
    status, body = create(emulator, {"To": DEFAULT_TO, "From": FROM, "Body": "hi"})
    assert status == 201
    emulator.close()


@pytest.mark.parametrize("url", ["https://[bc.twilio.com/", "https://c\"]53.twilio.com/v1/Services",
                                 "https:// .twilio.com/v1/Services"])
def test_a_url_whose_host_is_no_host_name_is_404_not_500(emulator, url):
    status, text, _ = emulator.handle("GET", url, auth=AUTH)
    assert (status, json.loads(text)["code"]) == (404, 20404)
