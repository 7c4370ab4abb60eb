"""The .env form: checks the values, writes .env safely, never shows the token."""

import stat

from helpers.config import get_settings
from helpers.forms import EnvForm
from helpers.forms.env_logic import updated_text

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
OTHER_TOKEN = "00112233445566778899aabbccddeeff"


def fill(form, sid=SID, token=TOKEN, from_number="+15017122661", mine="+15558675310"):
    form.account_sid.value = sid
    form.auth_token.value = token
    form.from_number.value = from_number
    form.my_phone_number.value = mine


def test_saving_writes_the_values_and_keeps_other_lines(private_env):
    private_env.write_text("# my notes\nOTHER_APP_KEY=keep-me\nTWILIO_ACCOUNT_SID=ACold\n")
    form = EnvForm(private_env)
    fill(form)
    form.save_button.click()

    text = private_env.read_text()
    assert text.startswith("# my notes\nOTHER_APP_KEY=keep-me\n")
    assert f"TWILIO_ACCOUNT_SID={SID}\n" in text and "ACold" not in text
    assert f"TWILIO_AUTH_TOKEN={TOKEN}\n" in text
    assert "MY_PHONE_NUMBER=+15558675310\n" in text
    assert stat.S_IMODE(private_env.stat().st_mode) == 0o600
    assert form.last_result.saved
    assert "Restart the kernel" in form.result.value
    assert form.result.value.startswith("<div class='tutorial-result-saved'")


def test_the_token_is_never_shown_back(private_env):
    form = EnvForm(private_env)
    fill(form)
    form.save_button.click()
    assert form.auth_token.value == ""
    for shown in (form.result.value, form.last_result.message, repr(form), str(get_settings())):
        assert TOKEN not in shown
    assert TOKEN not in repr(EnvForm(private_env).values())


def test_settings_read_what_the_form_saved(private_env, monkeypatch):
    monkeypatch.delenv("TWILIO_MODE")
    form = EnvForm(private_env)
    fill(form, mine="(555) 867-5310")
    form.save_button.click()
    assert not form.last_result.saved  # national format is refused...
    assert "+15558675310" in form.result.value  # ...with the E.164 form suggested
    form.my_phone_number.value = "+15558675310"
    form.save_button.click()
    settings = get_settings()
    assert (settings.mode, settings.account_sid, settings.my_phone_number) == (
        "live", SID, "+15558675310")


def test_invalid_input_writes_nothing_and_says_what_to_fix(private_env):
    private_env.write_text("TWILIO_ACCOUNT_SID=ACold\n")
    form = EnvForm(private_env)
    fill(form, sid="AC123", token="short", from_number="12")
    form.save_button.click()
    assert private_env.read_text() == "TWILIO_ACCOUNT_SID=ACold\n"
    errors = form.last_result.errors
    assert set(errors) == {"account_sid", "auth_token", "from_number"}
    assert "32 hex digits" in errors["account_sid"] and "20003" in errors["account_sid"]
    assert "5 characters" in errors["auth_token"] and "short" not in errors["auth_token"]
    assert "21212" in errors["from_number"]
    assert "Nothing was saved" in form.result.value
    assert form.result.value.startswith("<div class='tutorial-result-refused'")


def test_an_empty_token_keeps_the_saved_one(private_env):
    private_env.write_text(f"TWILIO_AUTH_TOKEN={OTHER_TOKEN}\n")
    form = EnvForm(private_env)
    assert "leave empty to keep" in form.auth_token.placeholder
    fill(form, token="")
    form.save_button.click()
    assert form.last_result.saved
    assert f"TWILIO_AUTH_TOKEN={OTHER_TOKEN}\n" in private_env.read_text()


def test_an_empty_token_with_none_saved_is_refused(private_env):
    form = EnvForm(private_env)
    fill(form, token="")
    form.save_button.click()
    assert "auth_token" in form.last_result.errors


def test_the_form_prefills_everything_but_the_token(private_env):
    private_env.write_text(f"TWILIO_ACCOUNT_SID={SID}\nTWILIO_AUTH_TOKEN={TOKEN}\n")
    form = EnvForm(private_env)
    assert form.account_sid.value == SID
    assert form.auth_token.value == ""


def test_a_note_when_env_forces_emulator_mode(private_env):
    private_env.write_text("TWILIO_MODE=emulator\n")
    form = EnvForm(private_env)
    fill(form)
    form.save_button.click()
    assert "TWILIO_MODE=emulator" in form.last_result.message


def test_updated_text_keeps_export_and_rewrites_duplicates():
    text = "export TWILIO_FROM_NUMBER=+1\n# c\nTWILIO_FROM_NUMBER=+2"
    assert updated_text(text, {"TWILIO_FROM_NUMBER": "+3", "MY_PHONE_NUMBER": "+4"}) == (
        "export TWILIO_FROM_NUMBER=+3\n# c\nTWILIO_FROM_NUMBER=+3\nMY_PHONE_NUMBER=+4\n"
    )


def test_the_form_carries_the_css_classes_the_browser_tests_find_it_by(private_env):
    form = EnvForm(private_env)
    assert form.widget._dom_classes == ("tutorial-env-form",)
    classed = {
        css_class: widget
        for widget in form.widget.children
        for css_class in widget._dom_classes
    }
    assert classed == {"tutorial-save-env": form.save_button, "tutorial-result": form.result}


def test_the_form_displays_as_a_stable_summary(private_env):
    bundle = EnvForm(private_env)._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Twilio credentials form (.env)")
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_after_a_failed_save_the_token_leaves_the_page_but_is_not_lost(private_env):
    form = EnvForm(private_env)
    fill(form, mine="12")
    form.save_button.click()
    assert not form.last_result.saved and form.auth_token.value == ""
    assert TOKEN not in form.result.value
    assert "kept from your last try" in form.auth_token.placeholder
    form.my_phone_number.value = "+15558675310"
    form.save_button.click()  # token box left empty: the one typed before is used
    assert form.last_result.saved
    assert f"TWILIO_AUTH_TOKEN={TOKEN}\n" in private_env.read_text()


def test_a_malformed_token_is_not_kept(private_env):
    form = EnvForm(private_env)
    fill(form, token="short")
    form.save_button.click()
    fill(form, token="")
    form.save_button.click()
    assert "auth_token" in form.last_result.errors
