"""The phone inbox beside the notebooks: what a notebook sends shows up live, without a reload.

As under `make lab`, the inbox (emulator server) and the kernels share one state file.
"""

import re

from playwright.sync_api import expect

from .form_steps import click_send, sent_card

SMS_NOTEBOOK = "notebooks/01_first_sms.ipynb"
TO = "+15558675310"


def test_a_message_sent_from_a_notebook_appears_in_the_open_inbox(lab, emulator_server):
    form = lab.run(SMS_NOTEBOOK).form("tutorial-sms-form")
    inbox = lab.page.context.new_page()
    inbox.goto(f"{emulator_server.url}/inbox")
    expect(inbox.locator("#connection")).to_have_text("live")

    form.get_by_label("To").fill(TO)
    form.get_by_label("Body").fill("Straight to the inbox 📬")
    click_send(form)
    sid, card = sent_card(form)
    assert re.fullmatch(r"SM[0-9a-f]{32}", sid) and "Twilio accepted the message" in card, card

    bubble = inbox.locator(f'.phone[data-number="{TO}"] .bubble[data-sid="{sid}"]')
    expect(bubble).to_contain_text("Straight to the inbox 📬")
    expect(bubble).to_have_attribute("data-encoding", "UCS-2")
    bubble.scroll_into_view_if_needed()
    phones = {"x": 0, "y": 0, "width": 1280, "height": 620}
    inbox.screenshot(path=lab.artifacts / "inbox-message-from-notebook.png", clip=phones)
    inbox.close()
