"""The forms, filled and clicked in the browser: SMS (01), MMS (04) and `.env` (00).

Each form is the one its notebook displays after Run All, found by its CSS class
(`tutorial-sms-form`, ...); its buttons, counter, preview and result by theirs (set in
helpers/forms). Fields are found by their visible labels, as a learner finds them. What was
really sent is read from the emulator server's admin API (the kernels share its state, as under
`make lab`).
"""

import re
import secrets

from playwright.sync_api import expect

from .form_steps import click_send, refusal_text, sent_card

SMS_NOTEBOOK = "notebooks/01_first_sms.ipynb"
MMS_NOTEBOOK = "notebooks/04_mms.ipynb"
ENV_NOTEBOOK = "notebooks/00_account_setup.ipynb"
OWL = "https://demo.twilio.com/owl.png"


def sms_form(lab):
    return lab.run(SMS_NOTEBOOK).form("tutorial-sms-form")


def sent_sids(emulator_server) -> list[str]:
    return [message["sid"] for message in emulator_server.messages()]


def test_segment_counter_follows_typing_and_switches_to_ucs2_for_an_emoji(lab):
    form = sms_form(lab)
    body = form.get_by_label("Body")

    counter = form.locator(".tutorial-segment-counter")

    body.fill("Hello from the browser")
    expect(counter).to_contain_text(re.compile(r"1 segment · GSM-7 · 22 characters"))
    body.press_sequentially(" 🎉")
    expect(counter).to_contain_text(re.compile(r"\d segments? · UCS-2 · 24 characters"))
    expect(counter).to_contain_text("UCS-2 because of: 🎉")
    expect(counter.locator("mark")).to_have_text("🎉")
    lab.screenshot("sms-form-ucs2", form)


def test_send_shows_the_success_card_and_the_message_is_sent_once(lab, emulator_server):
    form = sms_form(lab)
    form.get_by_label("To").fill("+14158141829")
    form.get_by_label("Body").fill("Sent by clicking Send")
    before = sent_sids(emulator_server)

    click_send(form)

    sid, card = sent_card(form)
    assert re.fullmatch(r"SM[0-9a-f]{32}", sid), sid
    assert f"accepted the message: sid {sid}, status queued" in card, card
    assert "to +14158141829" in card, card
    new = [m for m in emulator_server.messages() if m["sid"] not in before]
    assert [(m["sid"], m["to"]) for m in new] == [(sid, "+14158141829")]
    assert new[0]["body"].endswith("Sent by clicking Send")
    lab.screenshot("sms-form-sent", form)


def test_a_double_click_on_send_sends_one_message(lab, emulator_server):
    form = sms_form(lab)
    form.get_by_label("To").fill("+14158141829")
    form.get_by_label("Body").fill("Clicked twice, sent once")
    before = sent_sids(emulator_server)

    click_send(form, double=True)

    new = [m for m in emulator_server.messages() if m["sid"] not in before]
    assert [m["body"][-24:] for m in new] == ["Clicked twice, sent once"]


def test_an_invalid_number_is_refused_inline_and_nothing_is_sent(lab, emulator_server):
    form = sms_form(lab)
    form.get_by_label("To").fill("+1555867531")
    form.get_by_label("Body").fill("This one must not leave")
    before = sent_sids(emulator_server)

    click_send(form)

    refusal = refusal_text(form)
    assert refusal.startswith("Nothing was sent.") and "21211" in refusal, refusal
    assert sent_sids(emulator_server) == before
    lab.screenshot("sms-form-invalid-number", form)


def test_mms_form_previews_the_image_and_sends_it(lab, emulator_server):
    form = lab.run(MMS_NOTEBOOK).form("tutorial-mms-form")
    form.get_by_label("Media URLs").fill(f"{OWL}\n{OWL}")
    images = form.locator(".tutorial-media-preview img")
    expect(images).to_have_count(2)
    for index in range(2):
        expect(images.nth(index)).to_have_js_property("complete", True)
        expect(images.nth(index)).not_to_have_js_property("naturalWidth", 0)
    lab.screenshot("mms-form-preview", form)

    click_send(form)

    sid, card = sent_card(form)
    assert re.fullmatch(r"MM[0-9a-f]{32}", sid), sid
    assert f"Twilio accepted the message: sid {sid}" in card, card
    sent = {m["sid"]: m for m in emulator_server.messages()}
    assert sent[sid]["num_media"] == "2"


def test_env_form_saves_to_the_private_env_and_never_shows_the_token(lab):
    account_sid, token = "AC" + secrets.token_hex(16), secrets.token_hex(16)
    form = lab.run(ENV_NOTEBOOK).form("tutorial-env-form")
    form.get_by_label("Account SID").fill(account_sid)
    form.get_by_label("Auth Token").fill(token)
    expect(form.get_by_label("Auth Token")).to_have_attribute("type", "password")
    form.get_by_label("Twilio number (From)").fill("+15017122661")
    form.get_by_label("Your mobile (To)").fill("+15558675310")

    form.locator(".tutorial-save-env").click()

    expect(form.locator(".tutorial-result .tutorial-result-saved")).to_contain_text("✔ Saved")
    expect(form.get_by_label("Auth Token")).to_have_value("")
    assert token not in lab.page.content()
    assert token not in str(lab.runs[ENV_NOTEBOOK].output_records())
    saved = lab.server.env_path.read_text()
    assert f"TWILIO_ACCOUNT_SID={account_sid}" in saved
    assert f"TWILIO_AUTH_TOKEN={token}" in saved
    assert (
        not (lab.server.root / ".env").exists()
        or token not in (lab.server.root / ".env").read_text()
    )
    lab.screenshot("env-form-saved", form)


def test_env_form_refuses_a_malformed_token_and_writes_nothing(lab):
    form = lab.run(ENV_NOTEBOOK).form("tutorial-env-form")
    before = lab.server.env_path.read_text() if lab.server.env_path.exists() else None
    form.get_by_label("Account SID").fill("AC" + secrets.token_hex(16))
    form.get_by_label("Auth Token").fill("not-a-token")

    form.locator(".tutorial-save-env").click()

    expect(form.locator(".tutorial-result .tutorial-result-refused")).to_contain_text(
        "Auth Token:"
    )
    expect(form.locator(".tutorial-result-saved")).to_have_count(0)
    after = lab.server.env_path.read_text() if lab.server.env_path.exists() else None
    assert after == before
    assert "not-a-token" not in form.inner_text()
