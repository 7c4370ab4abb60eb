"""Who may do what on the emulator server (issue 14, items 1-3 and 7): an auth matrix over
every route, foreign Host names, cross-site writes, CSRF, JSON-only admin writes, the media
route and room mode's private learner accounts."""

import json

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from helpers.emulator.seed import DEFAULT_FROM, DEFAULT_TO, DEMO_MEDIA_URL, TRIAL, UPGRADED
from helpers.emulator.transports.http.app import create_app
from helpers.emulator.transports.remote import EmulatorServerHttpClient
from helpers.webserver import BackgroundServer
from tests.instructor import ADMIN_KEY, BEARER, KEYS, env_of, join_room

JSON = {"Content-Type": "application/json"}


def basic(account) -> tuple[str, str]:
    return account.sid, account.auth_token


def signed_in(server, token: str) -> requests.Session:
    """A browser that opened `inbox?token=...`: it holds the session cookie, not the token."""
    browser = requests.Session()
    opened = browser.get(f"{server.url}/inbox?token={token}", timeout=5)
    assert opened.ok and "token=" not in opened.url  # the token left the address bar
    return browser


@pytest.fixture
def trial_message(client):
    return client.messages.create(body="hi", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                  media_url=[DEMO_MEDIA_URL])


# -- the auth matrix ------------------------------------------------------------------------
# Each route with who may use it: "room" needs the instructor key; "trial" needs the trial
# account (its credentials or a session over it); "anyone" is public.
ROUTES = [
    ("GET", "/_emulator/health", None, "anyone"),
    ("GET", "/_emulator/session", None, "signed-in"),
    ("GET", "/_emulator/messages", None, "room"),
    ("GET", "/_emulator/messages", TRIAL.sid, "trial"),
    ("DELETE", "/_emulator/messages", TRIAL.sid, "trial"),
    ("DELETE", "/_emulator/messages", None, "room"),
    ("GET", "/_emulator/callbacks", TRIAL.sid, "trial"),
    ("GET", "/_emulator/events", TRIAL.sid, "trial"),
    ("GET", "/_emulator/events", None, "room"),
    ("GET", "/_emulator/clock", None, "room"),
    ("POST", "/_emulator/clock", None, "room"),
    ("POST", "/_emulator/chaos", None, "room"),
    ("POST", "/_emulator/inbound", None, "room"),
    ("GET", "/_emulator/media", "message", "trial"),
]
BODIES = {"/_emulator/clock": {"advance": 1}, "/_emulator/chaos": {"latency": 0},
          "/_emulator/inbound": {"from": DEFAULT_TO, "to": DEFAULT_FROM, "body": "hi"}}
CALLERS = ["nobody", "wrong key", "wrong token", "trial", "upgraded", "lab session",
           "instructor"]


def allowed(caller: str, who: str) -> int:
    """The status the matrix expects: 2xx, 401 (no valid credential) or 403 (not enough)."""
    if who == "anyone":
        return 200
    if caller in ("nobody", "wrong key", "wrong token"):
        return 401
    if who == "signed-in" or caller == "instructor":
        return 200
    if who == "trial" and caller in ("trial", "lab session"):
        return 200
    return 403


def call(server, caller: str, method: str, path: str, account, message_sid: str):
    session = signed_in(server, KEYS.lab_token) if caller == "lab session" else requests.Session()
    kwargs = {"timeout": 5, "stream": True, "params": {}}
    if account == "message":
        kwargs["params"] = {"sid": message_sid, "url": DEMO_MEDIA_URL}
    elif account:
        kwargs["params"] = {"account_sid": account}
    headers = {}
    if caller == "wrong key":
        headers = {"Authorization": "Bearer not-the-instructor-key-at-all"}
    elif caller == "wrong token":
        kwargs["auth"] = (TRIAL.sid, "0" * 32)
    elif caller in ("trial", "upgraded"):
        kwargs["auth"] = basic(TRIAL if caller == "trial" else UPGRADED)
    elif caller == "instructor":
        headers = dict(BEARER)
    elif caller == "lab session" and method not in ("GET", "HEAD"):
        csrf = session.get(f"{server.url}/_emulator/session", timeout=5).json()["csrf"]
        headers = {"X-CSRF-Token": csrf}
    if path in BODIES:
        kwargs["json"] = BODIES[path]
    with session.request(method, f"{server.url}{path}", headers=headers, **kwargs) as answer:
        return answer.status_code


@pytest.mark.parametrize(("method", "path", "account", "who"), ROUTES,
                         ids=[f"{m} {p} {a or ''}" for m, p, a, _ in ROUTES])
def test_every_route_answers_only_who_may_use_it(server, trial_message, method, path, account,
                                                  who):
    seen = {caller: call(server, caller, method, path, account, trial_message.sid)
            for caller in CALLERS}
    wanted = {caller: allowed(caller, who) for caller in CALLERS}
    assert {c: s if s >= 300 else 200 for c, s in seen.items()} == wanted


def test_the_twilio_api_takes_account_credentials_never_the_instructor_key(server):
    url = f"{server.url}/2010-04-01/Accounts/{TRIAL.sid}/Messages.json"
    assert requests.get(url, auth=basic(TRIAL), timeout=5).status_code == 200
    assert requests.get(url, headers=BEARER, timeout=5).status_code == 401
    assert requests.get(url, auth=basic(UPGRADED), timeout=5).status_code == 401


def test_an_account_sees_only_its_own_attempts_and_messages(server, client, upgraded_client):
    client.messages.create(body="trial's", from_=DEFAULT_FROM, to=DEFAULT_TO)
    upgraded_client.messages.create(body="upgraded's", to=DEFAULT_TO,
                                    from_=UPGRADED.number("long_code").phone_number)
    mine = requests.get(f"{server.url}/_emulator/messages", auth=basic(TRIAL),
                        params={"account_sid": TRIAL.sid}, timeout=5).json()["messages"]
    assert [m["body"] for m in mine] == ["Sent from your Twilio trial account - trial's"]


def test_a_media_url_of_no_message_is_not_served_even_to_the_instructor(server, trial_message):
    for params in ({"sid": trial_message.sid, "url": "https://attacker.example/phish"},
                   {"url": DEMO_MEDIA_URL}, {"sid": "MM" + "0" * 32, "url": DEMO_MEDIA_URL}):
        answer = requests.get(f"{server.url}/_emulator/media", params=params, headers=BEARER,
                              timeout=5, allow_redirects=False)
        assert answer.status_code == 404 and "location" not in answer.headers


# -- the inbox session: a token in the address becomes a cookie --------------------------
def test_a_wrong_token_signs_nobody_in(server):
    browser = requests.Session()
    browser.get(f"{server.url}/inbox?token=guess", timeout=5)
    assert browser.get(f"{server.url}/_emulator/session", timeout=5).status_code == 401
    assert not browser.cookies


def test_the_session_cookie_is_http_only_strict_and_signed(server):
    answer = requests.get(f"{server.url}/inbox?token={KEYS.lab_token}", timeout=5,
                          allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "inbox"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    forged = requests.get(f"{server.url}/_emulator/session", timeout=5,
                          cookies={KEYS.cookie: "admin.forged-signature"})
    assert forged.status_code == 401


def test_a_session_write_needs_its_csrf_token(server, client):
    client.messages.create(body="keep me", from_=DEFAULT_FROM, to=DEFAULT_TO)
    browser = signed_in(server, KEYS.lab_token)
    url = f"{server.url}/_emulator/messages?account_sid={TRIAL.sid}"
    refused = browser.delete(url, headers={"X-CSRF-Token": "guess"}, timeout=5)
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["error"]
    assert len(server.emulator.messages()) == 1
    csrf = browser.get(f"{server.url}/_emulator/session", timeout=5).json()["csrf"]
    assert browser.delete(url, headers={"X-CSRF-Token": csrf}, timeout=5).ok
    assert server.emulator.messages() == []


# -- foreign Host names and cross-site writes -----------------------------------------------
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.nip.io",
                                  "localhost.evil.example"])
def test_a_foreign_host_name_is_refused_on_every_kind_of_route(server, host):
    for path in ("/inbox", "/_emulator/session", f"/2010-04-01/Accounts/{TRIAL.sid}.json"):
        answer = requests.get(f"{server.url}{path}", headers={"Host": host},
                              auth=basic(TRIAL), timeout=5)
        assert answer.status_code == 403 and "--allow-host" in answer.json()["error"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost:8765", "[::1]:8765", "192.168.1.20",
                                  "lab.localhost"])
def test_loopback_names_and_ip_addresses_are_served(server, host):
    answer = requests.get(f"{server.url}/_emulator/health", headers={"Host": host}, timeout=5)
    assert answer.status_code == 200


def test_a_host_allowed_at_start_and_the_proxy_with_the_key_are_served(tmp_path):
    from helpers.emulator import Emulator
    from helpers.emulator.state.clock import Clock

    app = create_app(Emulator(str(tmp_path / "s.sqlite"), clock=Clock()), ADMIN_KEY,
                     allowed_hosts=frozenset({"classroom.lan"}))
    with BackgroundServer(app) as server:
        def status(host, headers=None):
            return requests.get(f"{server.url}/_emulator/health", timeout=5,
                                headers={"Host": host, **(headers or {})}).status_code
        assert status("classroom.lan:8765") == 200
        assert status("hub.mybinder.example") == 403
        assert status("hub.mybinder.example", BEARER) == 200  # jupyter-server-proxy adds it


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"},
                                     {"Origin": "http://127.0.0.1:1"},
                                     {"Origin": "null"},
                                     {"Sec-Fetch-Site": "cross-site"}])
def test_a_cross_site_write_is_refused_whatever_it_carries(server, headers):
    before = server.emulator.clock.now()
    answer = requests.post(f"{server.url}/_emulator/clock", json={"advance": 60}, timeout=5,
                           headers={**BEARER, **headers})
    assert answer.status_code == 403 and "Cross-site" in answer.json()["error"]
    assert server.emulator.clock.now() == before
    create = requests.post(f"{server.url}/2010-04-01/Accounts/{TRIAL.sid}/Messages.json",
                           data={"From": DEFAULT_FROM, "To": DEFAULT_TO, "Body": "x"},
                           auth=basic(TRIAL), headers=headers, timeout=5)
    assert create.status_code == 403 and server.emulator.messages() == []


def test_a_same_origin_write_passes(server):
    host = server.url.removeprefix("http://")
    answer = requests.post(f"{server.url}/_emulator/clock", json={"advance": 1}, timeout=5,
                           headers={**BEARER, "Origin": server.url, "Host": host})
    assert answer.ok


@pytest.mark.parametrize("kind", ["text/plain", "application/x-www-form-urlencoded", None])
def test_admin_writes_take_json_only(server, kind):
    headers = {**BEARER, **({"Content-Type": kind} if kind else {})}
    answer = requests.post(f"{server.url}/_emulator/chaos", data=b'{"p429": 0.3}',
                           headers=headers, timeout=5)
    assert answer.status_code == 415 and "application/json" in answer.json()["error"]
    assert server.emulator.chaos.settings.p429 == 0


# -- room mode: a join link, private accounts --------------------------------------------------
@pytest.fixture
def room(tmp_path):
    from helpers.emulator import Emulator
    from helpers.emulator.state.clock import Clock

    emulator = Emulator(str(tmp_path / "room.sqlite"), clock=Clock())
    with BackgroundServer(create_app(emulator, ADMIN_KEY, room=True)) as server:
        server.emulator = emulator
        yield server


def join(room, name: str) -> tuple[requests.Session, dict[str, str]]:
    """A learner joins in their browser; their `.env` lines, as the join page shows them."""
    browser, form, page = join_room(room.url, name, timeout=5)
    assert 'name="code"' in form.text.replace("name=code", 'name="code"')
    return browser, env_of(page.text)


def test_each_learner_gets_private_accounts_that_send(room):
    ada_browser, ada = join(room, "Ada")
    _, grace = join(room, "Grace")
    assert ada["TWILIO_ACCOUNT_SID"] != grace["TWILIO_ACCOUNT_SID"]
    assert ada["TWILIO_FROM_NUMBER"] != grace["TWILIO_FROM_NUMBER"]
    assert ada["TWILIO_EMULATOR_URL"] == room.url and ada["TWILIO_MODE"] == "emulator"

    client = Client(ada["TWILIO_ACCOUNT_SID"], ada["TWILIO_AUTH_TOKEN"],
                    http_client=EmulatorServerHttpClient(ada["TWILIO_EMULATOR_URL"]))
    sent = client.messages.create(body="hello room", from_=ada["TWILIO_FROM_NUMBER"],
                                  to=ada["MY_PHONE_NUMBER"])
    assert sent.status == "queued" and sent.account_sid == ada["TWILIO_ACCOUNT_SID"]

    session = ada_browser.get(f"{room.url}/_emulator/session", timeout=5).json()
    assert session["instructor"] is False
    assert len(session["accounts"]) == 2 and ada["TWILIO_ACCOUNT_SID"] in str(session)
    assert ada_browser.get(f"{room.url}/join", timeout=5).text.count(ada["TWILIO_AUTH_TOKEN"]) == 1

    other = Client(grace["TWILIO_ACCOUNT_SID"], grace["TWILIO_AUTH_TOKEN"],
                   http_client=EmulatorServerHttpClient(room.url))
    with pytest.raises(TwilioRestException) as refused:
        other.messages(sent.sid).fetch()
    assert refused.value.status == 404


def test_a_learner_clears_only_their_own_account(room):
    ada_browser, ada = join(room, "Ada")
    _, grace = join(room, "Grace")
    for env in (ada, grace):
        Client(env["TWILIO_ACCOUNT_SID"], env["TWILIO_AUTH_TOKEN"],
               http_client=EmulatorServerHttpClient(room.url)).messages.create(
            body="mine", from_=env["TWILIO_FROM_NUMBER"], to=env["MY_PHONE_NUMBER"])
    csrf = ada_browser.get(f"{room.url}/_emulator/session", timeout=5).json()["csrf"]
    for target, status in ((grace["TWILIO_ACCOUNT_SID"], 403), (TRIAL.sid, 403), ("", 403),
                           (ada["TWILIO_ACCOUNT_SID"], 200)):
        answer = ada_browser.delete(f"{room.url}/_emulator/messages", timeout=5,
                                    params={"account_sid": target} if target else None,
                                    headers={"X-CSRF-Token": csrf})
        assert answer.status_code == status, (target, answer.text)
    assert [m["account_sid"] for m in room.emulator.messages()] == [grace["TWILIO_ACCOUNT_SID"]]


def test_room_mode_refuses_a_wrong_join_code_and_the_lab_token(room):
    assert requests.get(f"{room.url}/join", params={"code": "guess"}, timeout=5).status_code == 403
    wrong = requests.post(f"{room.url}/join", data={"code": "guess", "name": "Eve"}, timeout=5)
    assert wrong.status_code == 403 and room.emulator.learners() == []
    browser = requests.Session()
    browser.get(f"{room.url}/inbox?token={KEYS.lab_token}", timeout=5)
    assert browser.get(f"{room.url}/_emulator/session", timeout=5).status_code == 401


def test_a_bad_name_is_asked_again_and_nobody_is_added(room):
    answer = requests.post(f"{room.url}/join", data={"code": KEYS.join_code, "name": " " * 3},
                           timeout=5)
    assert answer.status_code == 400 and "name" in answer.text
    assert room.emulator.learners() == []


def test_a_cross_site_join_is_refused(room):
    answer = requests.post(f"{room.url}/join", data={"code": KEYS.join_code, "name": "Mallory"},
                           headers={"Origin": "http://evil.example"}, timeout=5)
    assert answer.status_code == 403 and room.emulator.learners() == []


def test_the_instructor_sees_every_learner_and_the_join_page_escapes_names(room):
    browser, _ = join(room, "<b>Bobby</b>")
    page = browser.get(f"{room.url}/join", timeout=5).text
    assert "<b>Bobby</b>" not in page and "&lt;b&gt;Bobby&lt;/b&gt;" in page
    instructor = signed_in(room, ADMIN_KEY).get(f"{room.url}/_emulator/session", timeout=5)
    assert instructor.json()["instructor"] is True
    assert len(instructor.json()["accounts"]) == 3 + 2  # the seeded ones and the learner's


def test_an_account_s_stream_starts_with_its_messages_however_busy_the_room(server, client):
    from helpers.emulator import EmulatorHttpClient
    from helpers.emulator.transports.http.service import INBOX_LIMIT

    mine = client.messages.create(body="mine", from_=DEFAULT_FROM, to=DEFAULT_TO)
    busy = Client(*basic(UPGRADED), http_client=EmulatorHttpClient(server.emulator))
    short_code = UPGRADED.number("short_code").phone_number
    for n in range(INBOX_LIMIT + 1):  # the room's newest messages are all someone else's
        busy.messages.create(body=f"busy {n}", from_=short_code, to=DEFAULT_TO)
    with requests.get(f"{server.url}/_emulator/events", params={"account_sid": TRIAL.sid},
                      auth=basic(TRIAL), stream=True, timeout=10) as stream:
        lines = stream.iter_lines()
        assert next(lines) == b"event: snapshot"
        snapshot = json.loads(next(lines).removeprefix(b"data: "))
    assert [m["sid"] for m in snapshot] == [mine.sid]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd",
                                 "data:image/png;base64,AAAA"])
def test_a_simulated_reply_with_a_dangerous_media_url_is_refused_with_21620(server, url):
    answer = requests.post(f"{server.url}/_emulator/inbound", headers=BEARER, timeout=5, json={
        "from": DEFAULT_TO, "to": DEFAULT_FROM, "body": "look", "media_urls": [url]})
    assert answer.status_code == 400 and "21620" in answer.json()["error"]
    assert server.emulator.messages() == []
