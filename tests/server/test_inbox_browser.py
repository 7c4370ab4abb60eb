"""The phone inbox in Debian's chromium: live updates without reload, MMS, ticks, filter, views."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from helpers.emulator import Emulator
from helpers.emulator.callbacks import deliver_due_callbacks
from helpers.emulator.clock import Clock
from helpers.emulator.seed import DEFAULT_FROM, DEFAULT_TO, DEMO_MEDIA_URL, UPGRADED
from helpers.emulator.server import BackgroundServer, create_app

from .conftest import client_for

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "server"
OTHER_TO = "+14158141829"

expect.set_options(timeout=15_000)


@pytest.fixture
def page(browser, server, request):
    """A fresh tab; its screenshot is taken at the end, while the server still runs."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    yield opened
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()


def open_inbox(page, server, query=""):
    page.goto(f"{server.url}/inbox{query}")
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
    page.locator("#filter").fill("3003")
    expect(page.locator(".phone")).to_have_count(1)
    page.locator("#filter").fill("")

    server.emulator.inbound(DEFAULT_TO, DEFAULT_FROM, "Thanks, got it!")
    reply = page.locator(f'.phone[data-number="{DEFAULT_TO}"] .bubble.inbound')
    expect(reply).to_contain_text("Thanks, got it!")


def test_instructor_view_and_clear(page, server, client, receiver, db_path):
    upgraded = client_for(server, UPGRADED)
    client.messages.create(body="trial room", from_=DEFAULT_FROM, to=DEFAULT_TO,
                           status_callback=receiver.url)
    upgraded.messages.create(body="upgraded room", to=OTHER_TO,
                             from_=UPGRADED.number("long_code").phone_number)

    open_inbox(page, server)
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

    page.locator("#clear").click()
    expect(page.locator(".bubble")).to_have_count(0)
    expect(page.locator("#empty")).to_be_visible()
    expect(page.locator("#attempts tr:not(.none)")).to_have_count(0)
    expect(page.locator("#attempts tr.none")).to_contain_text("None yet")


def behind_proxy(app, prefix: str):
    """The app as jupyter-server-proxy serves it: at `prefix`, stripped before the app sees it."""
    async def proxied(scope, receive, send):
        if scope["type"] == "http":
            if not scope["path"].startswith(prefix + "/"):
                await send({"type": "http.response.start", "status": 404, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
            scope = dict(scope, path=scope["path"][len(prefix):])
        await app(scope, receive, send)
    return proxied


def test_inbox_works_under_a_proxy_sub_path(browser, db_path):
    emulator = Emulator(str(db_path), clock=Clock())
    prefix = "/user/learner/twilio-inbox"
    with BackgroundServer(behind_proxy(create_app(emulator), prefix)) as server:
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
