"""The phone inbox in Debian's chromium: live updates without reload, MMS, ticks, filter, views.

No page of the inbox may load anything from the internet: every tab refuses and records it.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from twilio.rest import Client

from helpers.emulator import Emulator, EmulatorHttpClient
from helpers.emulator.runtime.callbacks import deliver_due_callbacks
from helpers.emulator.seed import (
    DEFAULT_FROM,
    DEFAULT_TO,
    DEMO_MEDIA_URL,
    TEST_CREDENTIALS,
    TRIAL,
    UPGRADED,
)
from helpers.emulator.state.clock import Clock
from helpers.emulator.transports.http.app import create_app
from helpers.webserver import BackgroundServer
from tests.instructor import ADMIN_KEY, KEYS

from .conftest import client_for

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "server"
OTHER_TO = "+14158141829"
NOT_THIS_MACHINE = re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])")
NO_OFFLINE_COPY = "https://c1.staticflickr.com/3/2899/14341091933_1e92e62d12_b.jpg"
KEPT = "Body redacted at Twilio — the phone still shows what it received"
UNKNOWN = "Body redacted at Twilio — the text was deleted before this inbox saw it"

LAB_TOKEN = KEYS.lab_token
expect.set_options(timeout=15_000)


def offline_context(browser):
    """A browser context that refuses, and records in `.went_online`, every request that
    would leave this machine."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.went_online = []

    def refuse(route):
        context.went_online.append(route.request.url)
        route.abort()

    context.route(NOT_THIS_MACHINE, refuse)
    return context


@pytest.fixture
def page(browser, server, request):
    """A fresh tab; its screenshot is taken at the end, while the server still runs. The test
    fails if the tab tried to reach the internet."""
    context = offline_context(browser)
    opened = context.new_page()
    yield opened
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()
    assert context.went_online == [], f"the inbox tried to go online: {context.went_online}"


@pytest.fixture
def kernel(db_path):
    """A notebook kernel beside the server: its own emulator on the shared state file."""
    emulator = Emulator(str(db_path), clock=Clock())
    emulator.client = Client(TRIAL.sid, TRIAL.auth_token, http_client=EmulatorHttpClient(emulator))
    yield emulator
    emulator.close()


def open_inbox(page, server, query="", token=LAB_TOKEN):
    """Open the inbox as `make lab`'s link does (the instructor's with `token=ADMIN_KEY`)."""
    page.goto(f"{server.url}/inbox?token={token}" + (f"&{query.lstrip('?')}" if query else ""))
    expect(page.locator("#connection")).to_have_text("live")


def test_sent_message_appears_and_its_tick_advances(page, server, client):
    open_inbox(page, server)

    sid = client.messages.create(body="Ahoy from the API", from_=DEFAULT_FROM, to=DEFAULT_TO).sid

    bubble = page.locator(f'.phone[data-number="{DEFAULT_TO}"] .bubble[data-sid="{sid}"]')
    expect(bubble).to_contain_text("Ahoy from the API")
    expect(bubble.locator(".tick")).to_have_attribute("data-status", "queued")
    server.emulator.clock.advance(30)
    expect(bubble.locator(".tick")).to_have_attribute("data-status", "delivered")
    expect(bubble.locator(".tick")).to_have_text("✓✓")


def test_mms_image_renders_and_hover_shows_segments(page, server, client):
    open_inbox(page, server)

    sid = client.messages.create(body="An owl 🦉", from_=DEFAULT_FROM, to=DEFAULT_TO,
                                 media_url=[DEMO_MEDIA_URL]).sid

    bubble = page.locator(f'.bubble[data-sid="{sid}"]')
    image = bubble.locator("img")
    expect(image).to_be_visible()
    expect(image).to_have_js_property("naturalWidth", 120)  # the PNG really loaded
    expect(bubble).to_have_attribute("title", "queued\n1 segment · UCS-2\n"
                                     f"{DEFAULT_FROM} → {DEFAULT_TO}\n{sid}")


def test_filter_reply_and_failed_delivery(page, server, client, receiver):
    open_inbox(page, server)
    client.messages.create(body="to the main phone", from_=DEFAULT_FROM, to=DEFAULT_TO)
    failing = client.messages.create(body="to a dead phone", from_=DEFAULT_FROM,
                                     to="+15005553003", status_callback=receiver.url).sid
    server.emulator.clock.advance(30)
    deliver_due_callbacks(server.emulator)

    expect(page.locator(".phone")).to_have_count(2)
    expect(page.locator(f'.bubble[data-sid="{failing}"] .tick')).to_have_text("⚠ 30003")
    expect(page.locator("#attempts tr")).to_have_count(3)  # sending, sent, undelivered
    newest = page.locator("#attempts tr").first  # the message's status, then the POST's fate
    expect(newest.locator(".reported")).to_have_text("status undelivered")
    expect(newest.locator(".result")).to_have_text("callback delivered (HTTP 204 No Content)")
    page.locator("#filter").fill("3003")
    expect(page.locator(".phone")).to_have_count(1)
    page.locator("#filter").fill("")

    server.emulator.inbound(DEFAULT_TO, DEFAULT_FROM, "Thanks, got it!")
    reply = page.locator(f'.phone[data-number="{DEFAULT_TO}"] .bubble.inbound')
    expect(reply).to_contain_text("Thanks, got it!")


def answer_clear(page, accept: bool) -> list[str]:
    """Click Clear messages and answer its confirmation; the question asked."""
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", answer)
    page.locator("#clear").click()
    return asked


def test_instructor_view_and_clear(page, server, client, receiver, db_path):
    upgraded = client_for(server, UPGRADED)
    client.messages.create(body="trial room", from_=DEFAULT_FROM, to=DEFAULT_TO,
                           status_callback=receiver.url)
    upgraded.messages.create(body="upgraded room", to=OTHER_TO,
                             from_=UPGRADED.number("long_code").phone_number)

    open_inbox(page, server, token=ADMIN_KEY)
    expect(page.locator(".bubble")).to_have_count(1)
    deletes = []
    page.on("request", lambda request: request.method == "DELETE" and deletes.append(request))
    [asked] = answer_clear(page, accept=False)
    assert "Clear all messages of the account My first Twilio account" in asked
    assert "pictures and status callback attempts" in asked and "cannot be undone" in asked
    page.wait_for_timeout(500)  # time enough for a DELETE that should not come
    assert deletes == [] and len(server.emulator.messages()) == 2
    expect(page.locator(".bubble")).to_have_count(1)

    page.locator("#account").select_option("all")
    expect(page.locator(".bubble")).to_have_count(2)
    expect(page.locator(".phone .number small")).to_have_count(2)
    assert "account=all" in page.url

    kernel = Emulator(str(db_path), clock=Clock())  # a notebook kernel beside the server
    kernel.clock.advance(30)
    deliver_due_callbacks(kernel)
    expect(page.locator("#attempts tr:not(.none)")).to_have_count(3)  # the kernel's attempts too
    kernel.close()

    [asked] = answer_clear(page, accept=True)
    assert "Clear all messages of EVERY account in the room?" in asked
    expect(page.locator(".bubble")).to_have_count(0)
    expect(page.locator("#empty")).to_be_visible()
    expect(page.locator("#attempts tr:not(.none)")).to_have_count(0)
    expect(page.locator("#attempts tr.none")).to_contain_text("None yet")
    assert server.emulator.messages() == []


def test_the_lab_link_has_no_instructor_view_and_clears_only_the_chosen_account(
        page, server, client, upgraded_client):
    client.messages.create(body="mine", from_=DEFAULT_FROM, to=DEFAULT_TO)
    upgraded_client.messages.create(body="the other account's", to=OTHER_TO,
                                    from_=UPGRADED.number("long_code").phone_number)
    open_inbox(page, server)
    shown = page.locator("#account option").evaluate_all("options => options.map(o => o.value)")
    assert shown == [TRIAL.sid, UPGRADED.sid, TEST_CREDENTIALS.sid]  # no "all"
    expect(page.locator(".bubble")).to_have_count(1)
    [asked] = answer_clear(page, accept=True)
    assert "EVERY account" not in asked
    expect(page.locator(".bubble")).to_have_count(0)
    assert [m["body"] for m in server.emulator.messages()] == ["the other account's"]


def test_a_redacted_body_is_labelled_and_the_phone_keeps_what_it_received(page, server,
                                                                          kernel):
    open_inbox(page, server)
    sid = kernel.client.messages.create(body="Your code is 1234", from_=DEFAULT_FROM,
                                        to=DEFAULT_TO).sid
    bubble = page.locator(f'.bubble[data-sid="{sid}"]')
    expect(bubble).to_contain_text("Your code is 1234")
    kernel.clock.advance(30)  # delivered: as notebook 02, redact once it has arrived

    kernel.client.messages(sid).update(body="")

    expect(bubble.locator(".redacted")).to_have_text(KEPT)
    expect(bubble).to_contain_text("Your code is 1234")
    expect(bubble).to_have_attribute("data-redacted", "kept")

    page.reload()  # an inbox opened after the redaction cannot know the text: it says so
    expect(page.locator("#connection")).to_have_text("live")
    expect(bubble.locator(".redacted")).to_have_text(UNKNOWN)
    expect(bubble).not_to_contain_text("1234")
    expect(bubble).to_be_visible()
    other = kernel.client.messages.create(body="not redacted", from_=DEFAULT_FROM, to=DEFAULT_TO)
    expect(page.locator(f'.bubble[data-sid="{other.sid}"]')).to_contain_text("not redacted")
    expect(page.locator(".bubble .redacted")).to_have_count(1)


def test_a_picture_with_no_offline_copy_is_a_placeholder_and_nothing_goes_online(page, server,
                                                                                 kernel):
    open_inbox(page, server)

    sid = kernel.client.messages.create(body="A picture from the internet", from_=DEFAULT_FROM,
                                        to=DEFAULT_TO, media_url=[NO_OFFLINE_COPY]).sid

    image = page.locator(f'.bubble[data-sid="{sid}"] img')
    expect(image).to_be_visible()
    expect(image).to_have_js_property("naturalWidth", 240)  # the placeholder, not a broken image
    expect(image).to_have_attribute("title", NO_OFFLINE_COPY)
    shown = page.request.get(f"{server.url}/{image.get_attribute('src')}")
    assert "Image not available offline" in shown.text()
    assert page.context.went_online == []


def test_a_failed_callback_reads_as_a_failed_post_not_a_status(page, server, client, receiver):
    open_inbox(page, server)
    receiver.fail_next(500)
    client.messages.create(body="watched", from_=DEFAULT_FROM, to=DEFAULT_TO,
                           status_callback=receiver.url)
    server.emulator.clock.advance(30)  # sending (answered 500), sent, delivered
    deliver_due_callbacks(server.emulator)

    row = page.locator("#attempts tr").filter(has_text="status sending")
    expect(row.locator(".reported")).to_have_text("status sending")
    expect(row.locator(".result")).to_have_text(
        "callback failed (HTTP 500 Internal Server Error), retry in 5 s")
    expect(page.locator("#callbacks thead")).to_contain_text("Callback result")


class Switchable:
    """A stand-in for jupyter-server-proxy: while `down`, it answers 502 as the proxy does when
    the server behind it is gone (an EventSource then gives up for good)."""

    def __init__(self, app):
        self.app, self.down = app, False
        self.state = app.state  # so stopping the server ends the inbox's streams first

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.down:
            await send({"type": "http.response.start", "status": 502,
                        "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"Bad Gateway"})
            return
        await self.app(scope, receive, send)


def test_an_open_inbox_finds_the_server_again_after_a_restart(browser, db_path):
    emulator = Emulator(str(db_path), clock=Clock())
    restarted = create_app(emulator, ADMIN_KEY)
    proxy = Switchable(restarted)
    context = offline_context(browser)
    page = context.new_page()
    try:
        with BackgroundServer(create_app(emulator, ADMIN_KEY)) as first:  # then restarted there
            port = first.port
            page.goto(f"{first.url}/inbox?token={LAB_TOKEN}")
            expect(page.locator("#connection")).to_have_text("live")
        expect(page.locator("#connection")).to_have_text("reconnecting…")
        with BackgroundServer(proxy, port=port):
            expect(page.locator("#connection")).to_have_text("live")
            emulator.inbound(DEFAULT_TO, DEFAULT_FROM, "back again")
            expect(page.locator(".bubble.inbound")).to_contain_text("back again")

            proxy.down = True  # behind a proxy: answered 502 while the server restarts
            restarted.state.service.end_streams()
            expect(page.locator("#connection")).to_have_text("reconnecting…")
            page.wait_for_function("() => source.readyState === EventSource.CLOSED")
            proxy.down = False
            expect(page.locator("#connection")).to_have_text("live")
            emulator.inbound(DEFAULT_TO, DEFAULT_FROM, "and once more")
            expect(page.locator(".bubble.inbound", has_text="and once more")).to_have_count(1)
    finally:
        context.close()
    assert context.went_online == []


def behind_proxy(app, prefix: str):
    """The app as jupyter-server-proxy serves it: at `prefix`, stripped before the app sees it,
    with the instructor key added to each request (`request_headers_override`)."""
    async def proxied(scope, receive, send):
        if scope["type"] == "http":
            if not scope["path"].startswith(prefix + "/"):
                await send({"type": "http.response.start", "status": 404, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
            scope = dict(scope, path=scope["path"][len(prefix):], headers=[
                *scope["headers"], (b"authorization", f"Bearer {ADMIN_KEY}".encode())])
        await app(scope, receive, send)
    return proxied


def test_inbox_works_under_a_proxy_sub_path(browser, db_path):
    emulator = Emulator(str(db_path), clock=Clock())
    prefix = "/user/learner/twilio-inbox"
    with BackgroundServer(behind_proxy(create_app(emulator, ADMIN_KEY), prefix)) as server:
        page = browser.new_page()
        try:
            page.goto(f"{server.url}{prefix}/inbox")
            expect(page.locator("#connection")).to_have_text("live")
            emulator.inbound(DEFAULT_TO, DEFAULT_FROM, "Hello through the proxy")
            expect(page.locator(".bubble.inbound")).to_contain_text("Hello through the proxy")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=ARTIFACTS / "behind_proxy.png")
        finally:
            page.close()
