"""The SMS and MMS forms, driven as a learner would: set values, click, read the result."""

import threading

import pytest
from twilio.rest import Client

from helpers.emulator import EmulatorHttpClient, seed
from helpers.facts import TRIAL_PREFIX
from helpers.forms import MmsForm, SmsForm
from helpers.forms.sms_logic import Preview

OWL = "https://demo.twilio.com/owl.png"
LOGO = "https://demo.twilio.com/logo.png"


@pytest.fixture
def sms_form(client, settings):
    return SmsForm(client, settings.from_number, to=settings.my_phone_number, trial=True)


@pytest.fixture
def mms_form(client, settings):
    return MmsForm(client, settings.from_number, to=settings.my_phone_number, trial=True)


def hooks(form) -> dict[str, object]:
    """CSS class -> the widget carrying it, for the form's box and its parts."""
    found = {}
    for widget in (form.widget, *form.widget.children):
        for css_class in widget._dom_classes:
            assert css_class not in found, f"{css_class} is on two widgets"
            found[css_class] = widget
    return found


def test_the_forms_carry_the_css_classes_the_browser_tests_find_them_by(sms_form, mms_form):
    assert hooks(sms_form) == {
        "tutorial-sms-form": sms_form.widget,
        "tutorial-segment-counter": sms_form.counter,
        "tutorial-send": sms_form.send_button,
        "tutorial-result": sms_form.result,
    }
    assert hooks(mms_form) == {
        "tutorial-mms-form": mms_form.widget,
        "tutorial-media-preview": mms_form.media_preview,
        "tutorial-segment-counter": mms_form.counter,
        "tutorial-send": mms_form.send_button,
        "tutorial-result": mms_form.result,
    }


def test_the_counter_follows_the_body_as_it_is_typed(sms_form):
    sms_form.body.value = "Hello from Python!"
    assert "1 segment · GSM-7 · 18 characters · estimated $0.0079" in sms_form.counter.value
    sms_form.body.value = "Hello from Python! 🐍"
    assert "UCS-2" in sms_form.counter.value
    assert "<mark title='forces UCS-2'>🐍</mark>" in sms_form.counter.value


def test_the_counter_includes_the_trial_prefix():
    body = "x" * 130  # one segment alone, two once the 38-character prefix is added
    assert Preview(body, trial=False).count.segments == 1
    trial = Preview(body, trial=True)
    assert trial.count.segments == 2 and trial.price_usd == 0.0158
    assert "trial prefix" in trial.html()


def test_only_the_characters_forcing_ucs2_are_highlighted():
    html = Preview("Ça coûte 5€ ✓").html()
    assert "<mark title='forces UCS-2'>û</mark>" in html
    assert "<mark title='forces UCS-2'>✓</mark>" in html
    assert "<mark title='forces UCS-2'>Ç" not in html and "<mark title='forces UCS-2'>€" not in html


def test_a_valid_form_sends_one_message(sms_form, emulator):
    sms_form.body.value = "Ahoy"
    sms_form.send_button.click()
    [sent] = emulator.outbox()
    assert sent["body"] == TRIAL_PREFIX + "Ahoy"
    assert sms_form.last_result.message.sid == sent["sid"]
    assert sent["sid"] in sms_form.result.value
    assert f"<div class='tutorial-result-sent' data-sid='{sent['sid']}'" in sms_form.result.value
    assert sms_form.send_button.disabled, "greyed out until To or Body changes"
    sms_form.body.value = "Ahoy again"
    assert not sms_form.send_button.disabled


def test_a_second_click_on_the_same_message_sends_nothing(sms_form, emulator):
    sms_form.body.value = "Clicked twice, sent once"
    sms_form.send_button.click()
    sms_form.send_button.click()  # queued by a double click before the button greyed out
    assert len(emulator.outbox()) == 1
    sms_form.to.value = "+14158141829"
    sms_form.send_button.click()
    assert [m["to"] for m in emulator.outbox()] == ["+15558675310", "+14158141829"]


class FirstRequestWaits(EmulatorHttpClient):
    """Holds the first request until `release` is set (a slow network, without sleeping)."""

    def __init__(self, emulator):
        super().__init__(emulator)
        self.entered, self.release = threading.Event(), threading.Event()

    def request(self, *args, **kwargs):
        if not self.entered.is_set():
            self.entered.set()
            assert self.release.wait(10), "the test never released the first request"
        return super().request(*args, **kwargs)


class ObservedLock:
    """A lock that says when a second caller starts waiting for it."""

    def __init__(self):
        self.lock, self.contended = threading.Lock(), threading.Event()

    def __enter__(self):
        if self.lock.locked():
            self.contended.set()
        self.lock.acquire()

    def __exit__(self, *exc_info):
        self.lock.release()


def test_two_clicks_on_two_kernel_threads_send_one_message(emulator, settings):
    """ipykernel may run the two clicks of a double click on two threads at once (subshells):
    the second waits for the first, then sees the message already sent."""
    transport = FirstRequestWaits(emulator)
    client = Client(seed.TRIAL.sid, seed.TRIAL.auth_token, http_client=transport)
    form = SmsForm(client, settings.from_number, to=settings.my_phone_number, body="Once",
                   trial=True)
    form._click_lock = ObservedLock()
    first = threading.Thread(target=form.send_button.click)
    first.start()
    assert transport.entered.wait(10)  # the first click is sending
    second = threading.Thread(target=form.send_button.click)
    second.start()
    assert form._click_lock.contended.wait(10)  # the second click waits its turn
    transport.release.set()
    first.join(10)
    second.join(10)

    assert [m["body"] for m in emulator.outbox()] == [TRIAL_PREFIX + "Once"]


def test_a_refused_send_leaves_send_enabled(sms_form, emulator):
    sms_form.to.value = "+1555867531"
    sms_form.body.value = "Hi"
    sms_form.send_button.click()
    assert not sms_form.send_button.disabled and emulator.outbox() == []


@pytest.mark.parametrize(
    ("to", "body", "field", "expected"),
    [
        ("(555) 867-5310", "Hi", "to", "did you mean +15558675310?"),
        ("+15558675310", "   ", "body", "21619"),
        ("+15558675310", "x" * 1601, "body", "21617"),
    ],
)
def test_invalid_input_is_explained_inline_and_nothing_is_sent(
        sms_form, emulator, to, body, field, expected):
    sms_form.to.value, sms_form.body.value = to, body
    sms_form.send_button.click()
    assert emulator.outbox() == []
    assert expected in sms_form.last_result.problems[field]
    assert "Nothing was sent" in sms_form.result.value
    assert sms_form.result.value.startswith("<div class='tutorial-result-refused'")


def test_a_refusal_from_twilio_shows_guidance(sms_form, emulator):
    sms_form.to.value = "+14155550199"  # valid, but not verified on the trial account
    sms_form.body.value = "Hi"
    sms_form.send_button.click()
    assert emulator.outbox() == []
    assert sms_form.last_result.guidance.code == 21608
    assert "Verified Caller IDs" in sms_form.result.value
    assert sms_form.result.value.startswith("<div class='tutorial-result-refused'")
    assert "tutorial-result-sent" not in sms_form.result.value


def test_the_mms_form_previews_each_image_without_going_online(mms_form):
    mms_form.media.value = f"{OWL}\n\n{LOGO}\nhttps://example.com/cat.jpg"
    assert mms_form.media_urls() == [OWL, LOGO, "https://example.com/cat.jpg"]
    preview = mms_form.media_preview.value
    assert preview.count("<img src='data:image/png;base64,") == 2  # the bundled demo image
    assert "src='https://" not in preview
    assert "offline: no preview for https://example.com/cat.jpg" in preview
    assert "MMS with 3 media · GSM-7 · 0 characters · estimated $0.0200" in mms_form.counter.value


def test_live_the_preview_loads_the_urls(client, settings):
    form = MmsForm(client, settings.from_number, media_urls=f"{OWL}\n{LOGO}", offline=False)
    assert f"<img src='{OWL}'" in form.media_preview.value
    assert f"<img src='{LOGO}'" in form.media_preview.value


def test_the_mms_form_sends_the_images(mms_form, emulator):
    mms_form.body.value = "Owls"
    mms_form.media.value = f"{OWL}\n{LOGO}"
    mms_form.send_button.click()
    [sent] = emulator.outbox()
    assert sent["num_media"] == "2" and sent["sid"].startswith("MM")
    assert f"class='tutorial-result-sent' data-sid='{sent['sid']}'" in mms_form.result.value


def test_an_mms_needs_no_body(mms_form, emulator):
    mms_form.media.value = OWL
    mms_form.send_button.click()
    assert mms_form.last_result.sent


@pytest.mark.parametrize(
    ("media", "expected"),
    [
        ("\n".join([OWL] * 11), "21623"),
        ("ftp://example.com/owl.png", "21620"),
        ("owl.png", "21620"),
    ],
)
def test_bad_media_is_refused_before_sending(mms_form, emulator, media, expected):
    mms_form.body.value = "Owls"
    mms_form.media.value = media
    mms_form.send_button.click()
    assert emulator.outbox() == []
    assert expected in mms_form.last_result.problems["media_urls"]


def test_mms_from_an_sms_only_number_shows_guidance(client, emulator):
    from helpers.emulator.seed import SMS_ONLY

    form = MmsForm(client, SMS_ONLY.phone_number, to="+15558675310", media_urls=OWL)
    form.send_button.click()
    assert form.last_result.guidance.code == 21621
    assert emulator.outbox() == []


def test_forms_display_as_stable_text(sms_form, mms_form):
    assert sms_form._repr_mimebundle_()["text/plain"].startswith("SMS form (To, Body, Send)")
    assert mms_form._repr_mimebundle_()["text/plain"].startswith("MMS form")
