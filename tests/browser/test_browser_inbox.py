"""The phone inbox beside the notebooks: what a notebook sends shows up live, without a reload.

As under `make lab`, the inbox (emulator server) and the kernels share one state file. The test
process plays a second kernel on that file: it redacts the message the notebook sent, and sends
an MMS whose picture the emulator has no offline copy of. The `lab` fixture's browser context
refuses and records any request that would leave this machine, the inbox tab's included.
"""

import re

import requests
from playwright.sync_api import expect
from twilio.rest import Client

from helpers.emulator import Emulator, EmulatorHttpClient
from helpers.emulator.seed import ACCOUNTS
from helpers.emulator.state.clock import Clock

from .form_steps import click_send, sent_card

SMS_NOTEBOOK = "notebooks/01_first_sms.ipynb"
TO = "+15558675310"
NO_OFFLINE_COPY = "https://c1.staticflickr.com/3/2899/14341091933_1e92e62d12_b.jpg"


def another_kernel(emulator_server, account_sid: str) -> tuple[Emulator, Client]:
    """What a second notebook kernel has: an emulator on the shared file, a client on it."""
    emulator = Emulator(str(emulator_server.db), clock=Clock(real=True))
    account = next(a for a in ACCOUNTS if a.sid == account_sid)
    return emulator, Client(account.sid, account.auth_token,
                            http_client=EmulatorHttpClient(emulator))


def test_a_message_sent_from_a_notebook_appears_in_the_open_inbox(lab, emulator_server):
    form = lab.run(SMS_NOTEBOOK).form("tutorial-sms-form")
    inbox = lab.page.context.new_page()
    inbox.goto(emulator_server.inbox_link)
    expect(inbox.locator("#connection")).to_have_text("live")

    form.get_by_label("To").fill(TO)
    form.get_by_label("Body").fill("Straight to the inbox 📬")
    click_send(form)
    sid, card = sent_card(form)
    assert re.fullmatch(r"SM[0-9a-f]{32}", sid) and "Twilio accepted the message" in card, card

    bubble = inbox.locator(f'.phone[data-number="{TO}"] .bubble[data-sid="{sid}"]')
    expect(bubble).to_contain_text("Straight to the inbox 📬")
    expect(bubble).to_have_attribute("data-encoding", "UCS-2")
    # delivered (about 4 s): no more status changes redraw the phones under the screenshot
    expect(bubble.locator(".tick")).to_have_attribute("data-status", "delivered")
    bubble.scroll_into_view_if_needed()
    phones = {"x": 0, "y": 0, "width": 1280, "height": 620}
    inbox.screenshot(path=lab.artifacts / "inbox-message-from-notebook.png", clip=phones)

    [sent] = [m for m in emulator_server.messages() if m["sid"] == sid]
    kernel, client = another_kernel(emulator_server, sent["account_sid"])
    try:
        client.messages(sid).update(body="")  # redacted at Twilio: the phone keeps its copy
        expect(bubble.locator(".redacted")).to_have_text(
            "Body redacted at Twilio — the phone still shows what it received")
        expect(bubble).to_contain_text("Straight to the inbox 📬")

        mms = client.messages.create(body="From the internet", from_=sent["from"], to=TO,
                                     media_url=[NO_OFFLINE_COPY])
        image = inbox.locator(f'.bubble[data-sid="{mms.sid}"] img')
        expect(image).to_have_js_property("naturalWidth", 240)  # the offline placeholder
        assert lab.external_requests == []

        asked = []
        inbox.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        inbox.locator("#clear").click()
        expect(inbox.locator("#clear")).to_be_enabled()
        inbox.wait_for_timeout(500)  # time enough for a DELETE that should not come
        assert asked and asked[0].startswith("Clear all messages of the account")
        assert any(m["sid"] == mms.sid for m in emulator_server.messages())
        expect(inbox.locator(f'.bubble[data-sid="{mms.sid}"]')).to_be_visible()
    finally:
        kernel.close()
        inbox.close()


def test_the_launcher_tile_s_inbox_is_signed_in_by_jupyter_and_nobody_else(lab, jupyter_lab):
    """The tile opens `<lab>/twilio-inbox/inbox`: jupyter-server-proxy starts the server and
    adds its key to each request Jupyter has already authenticated."""
    tile = lab.page.context.new_page()
    try:
        tile.goto(f"{jupyter_lab.url}/twilio-inbox/inbox")
        expect(tile.locator("#connection")).to_have_text("live", timeout=45_000)
        session = tile.evaluate("() => fetch('_emulator/session').then((r) => r.json())")
        assert session["instructor"] is True
    finally:
        tile.close()
    stranger = requests.get(f"{jupyter_lab.url}/twilio-inbox/_emulator/messages", timeout=10,
                            allow_redirects=False)  # no Jupyter login: Jupyter refuses
    assert stranger.status_code in (302, 401, 403) and "messages" not in stranger.text
