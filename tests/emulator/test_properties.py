"""Property tests: over 10,000 generated create calls only ever get 201 or a Twilio 4xx.

Numbers, bodies, media lists and odd parameters are generated; whatever comes in, the
client must see either a created message or a TwilioRestException carrying one of Twilio's
codes with a 4xx status: never a Python exception from the emulator and never a 500.
Each generated call is sent as each of the three seeded accounts (trial, upgraded, test
credentials): 2,000 x 3 client creates + 1,500 x 3 raw form posts + 1,000 create-then-list
= 11,500 creates.
"""

import json
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.base.exceptions import TwilioRestException

from helpers.emulator import Emulator, seed
from helpers.facts import (
    CATALOG,
    FAILURE_NUMBERS,
    MAGIC_FROM,
    MAGIC_FROM_OK,
    MAGIC_TO,
    MULTI_SEGMENT,
    SINGLE_SEGMENT,
)
from helpers.segments import count_segments

from .conftest import make_client

SETTINGS = {"deadline": None, "database": None,
            "suppress_health_check": [HealthCheck.too_slow]}

KNOWN_NUMBERS = sorted({
    *(n.phone_number for a in seed.ACCOUNTS for n in a.numbers),
    *FAILURE_NUMBERS, *MAGIC_FROM, *MAGIC_TO, MAGIC_FROM_OK,
    *seed.VERIFIED_NUMBERS, "+447700900123", "+8613800138000", "+33612345678", "+12",
})
numbers = st.one_of(
    st.sampled_from(KNOWN_NUMBERS),
    st.text(alphabet="+0123456789 ()-.", max_size=18),
    st.text(max_size=24),
)
bodies = st.one_of(
    st.none(),
    st.text(max_size=200),
    st.builds(lambda piece, count: piece * count,
              st.sampled_from(["a", "€", "{", "]", "😀", "中", "\r\n", "é", "e\u0301", "`"]),
              st.integers(150, 1700)),
)
media_urls = st.one_of(
    st.none(),
    st.lists(
        st.one_of(
            st.sampled_from([seed.DEMO_MEDIA_URL, "https://example.com/a.jpg",
                             "http://example.com/v.mp4", "ftp://example.com/x.png"]),
            st.text(max_size=40),
            st.builds("{}://{}/{}".format, st.sampled_from(["http", "https", "HTTP", "ws"]),
                      st.text(alphabet="ab_.[]:-1", max_size=12),
                      st.text(alphabet="abc./", max_size=8)),
        ),
        max_size=12,
    ),
)
odd_text = st.one_of(st.none(), st.text(max_size=20))

ACCOUNTS = (seed.TRIAL, seed.UPGRADED, seed.TEST_CREDENTIALS)


def assert_twilio_answer(call):
    """Run one create; return its outcome ("201" or the Twilio code) after checking it."""
    try:
        message = call()
    except TwilioRestException as error:
        assert 400 <= error.status < 500, error
        assert error.code in CATALOG and CATALOG[error.code][0] == error.status, error
        return error.code
    assert message.sid[:2] in ("SM", "MM")
    return "201"


def shared_emulator(name: str) -> Emulator:
    """One emulator for all examples of a test: state piles up the way it does in real use."""
    if name not in EMULATORS:
        EMULATORS[name] = Emulator(queue_window=1e9)
    return EMULATORS[name]


def shared_client(name: str, account: seed.Account):
    if (name, account.sid) not in CLIENTS:
        CLIENTS[name, account.sid] = make_client(shared_emulator(name), account)
    return CLIENTS[name, account.sid]


@settings(max_examples=2000, **SETTINGS)
@given(data=st.data())
def test_generated_creates_through_the_client(data):
    kwargs = {
        "to": data.draw(numbers),
        "from_": data.draw(st.one_of(st.none(), numbers)),
        "body": data.draw(bodies),
        "media_url": data.draw(media_urls),
        "messaging_service_sid": data.draw(st.one_of(
            st.none(), st.sampled_from([a.messaging_service.sid for a in seed.ACCOUNTS[:2]]),
            st.text(max_size=34))),
        "status_callback": data.draw(st.one_of(st.none(), st.just("https://example.com/s"),
                                               st.text(max_size=30))),
        "validity_period": data.draw(st.one_of(st.none(), st.integers(-5, 40000))),
        "smart_encoded": data.draw(st.one_of(st.none(), st.booleans())),
    }
    for account in ACCOUNTS:
        client = shared_client("client", account)
        assert_twilio_answer(lambda: client.messages.create(**kwargs))  # noqa: B023


form_values = st.one_of(st.text(max_size=40), st.lists(st.text(max_size=20), max_size=3),
                        st.integers(), st.binary(max_size=10))
form_keys = st.sampled_from(["To", "From", "Body", "MediaUrl", "MessagingServiceSid",
                             "StatusCallback", "ValidityPeriod", "SmartEncoded", "SendAt",
                             "ForceDelivery", "Attempt", "ContentSid", "x"])


@settings(max_examples=1500, **SETTINGS)
@given(form=st.dictionaries(form_keys, form_values, max_size=8), to=numbers, from_=numbers)
def test_generated_raw_forms_through_handle(form, to, from_):
    emulator = shared_emulator("raw")
    form = {"To": to, "From": from_, **form}
    for account in ACCOUNTS:
        url = f"https://api.twilio.com/2010-04-01/Accounts/{account.sid}/Messages.json"
        status, text, headers = emulator.handle("POST", url, data=form,
                                                auth=(account.sid, account.auth_token))
        payload = json.loads(text)
        if status != 201:
            assert 400 <= status < 500
            assert CATALOG[payload["code"]][0] == status == payload["status"]
            assert payload["more_info"] == (
                f"https://www.twilio.com/docs/errors/{payload['code']}")


@settings(max_examples=1000, **SETTINGS)
@given(to=numbers, from_=numbers, body=st.text(min_size=1, max_size=200),
       query=st.dictionaries(st.sampled_from(["To", "From", "DateSent", "DateSent<",
                                              "DateSent>", "PageSize", "Page", "PageToken"]),
                             st.text(max_size=25), max_size=3))
def test_generated_create_then_list_and_fetch(to, from_, body, query):
    emulator = shared_emulator("list")
    client = shared_client("list", seed.UPGRADED)
    outcome = assert_twilio_answer(
        lambda: client.messages.create(to=to, from_=from_, body=body))
    url = f"https://api.twilio.com/2010-04-01/Accounts/{seed.UPGRADED.sid}/Messages.json"
    status, text, _ = emulator.handle("GET", f"{url}?{urlencode(query)}",
                                      auth=(seed.UPGRADED.sid, seed.UPGRADED.auth_token))
    assert status == 200 or (status == 400 and json.loads(text)["code"] == 20001), text
    if outcome == "201":
        sid = json.loads(client.http_client.last_response.text)["sid"]
        assert client.messages(sid).fetch().body == body


@settings(max_examples=1500, **SETTINGS)
@given(body=st.text(max_size=800), smart=st.booleans())
def test_segments_partition_the_body_within_capacity(body, smart):
    result = count_segments(body, smart)
    assert "".join(result.parts) == result.body
    assert result.segments == len(result.parts)
    limit = SINGLE_SEGMENT if result.segments == 1 else MULTI_SEGMENT
    cost = ((lambda p: len(p.encode("utf-16-le")) // 2) if result.encoding == "UCS-2"
            else (lambda p: len(p) + sum(c in "\f^{}\\[]~|€" for c in p)))
    assert all(cost(part) <= limit[result.encoding] for part in result.parts)


EMULATORS: dict = {}
CLIENTS: dict = {}


@settings(max_examples=600, **SETTINGS)
@given(method=st.sampled_from(["GET", "POST", "DELETE", "PUT"]),
       path=st.one_of(st.text(max_size=40), st.sampled_from([
           "Messages/{sid}.json", "Messages/{sid}/Media.json", "Messages/{sid}/Media/{me}.json",
           "Messages.json", ".json", "IncomingPhoneNumbers.json", "OutgoingCallerIds.json"])),
       sid=st.one_of(st.text(max_size=36), st.just("SM" + "0" * 32)),
       form=st.dictionaries(st.sampled_from(["Body", "Status", "PageSize", "x"]),
                            st.text(max_size=10), max_size=2))
def test_generated_requests_on_other_routes(method, path, sid, form):
    emulator = shared_emulator("routes")
    account = seed.TRIAL
    url = (f"https://api.twilio.com/2010-04-01/Accounts/{account.sid}/"
           + path.replace("{sid}", sid).replace("{me}", sid))
    status, text, _ = emulator.handle(method, url, data=form,
                                      auth=(account.sid, account.auth_token))
    assert status in (200, 201, 204) or (
        400 <= status < 500 and CATALOG[json.loads(text)["code"]][0] == status), text
