"""Settings: where .env is read from, which mode is chosen, and the messages for bad values."""

import pytest

from helpers import ConfigError, get_settings, show_mode, to_e164
from helpers.config import REPO_ROOT, env_path

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "fedcba9876543210" * 2


def live_env(env_file, **extra):
    values = {
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_FROM_NUMBER": "+14155550100",
        "MY_PHONE_NUMBER": "+14155550199",
        **extra,
    }
    env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()))


def test_env_file_is_the_repo_roots_whatever_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("TUTORIAL_ENV_PATH")
    monkeypatch.chdir(tmp_path)
    assert env_path() == REPO_ROOT / ".env"


def test_no_credentials_means_emulator(private_env, monkeypatch):
    monkeypatch.delenv("TWILIO_MODE")
    assert get_settings().mode == "emulator"


def test_the_example_file_as_shipped_means_emulator(private_env, monkeypatch):
    monkeypatch.delenv("TWILIO_MODE")
    private_env.write_text((REPO_ROOT / ".env.example").read_text())
    assert get_settings().mode == "emulator"


def test_real_looking_credentials_mean_live(private_env, monkeypatch):
    monkeypatch.delenv("TWILIO_MODE")
    live_env(private_env)
    settings = get_settings()
    assert (settings.mode, settings.account_sid, settings.from_number) == (
        "live", SID, "+14155550100")
    assert settings.auth_token == TOKEN


def test_forced_emulator_ignores_live_credentials(private_env):
    live_env(private_env)
    settings = get_settings()
    assert settings.mode == "emulator"
    assert settings.account_sid != SID


def test_a_room_s_env_lines_use_the_learner_s_account_on_the_room_s_server(private_env):
    live_env(private_env, TWILIO_EMULATOR_URL="http://192.168.1.20:8765",
             TWILIO_MESSAGING_SERVICE_SID="MG" + "1" * 32)
    settings = get_settings()  # TWILIO_MODE=emulator, as the join page's lines say
    assert (settings.mode, settings.account_sid, settings.auth_token, settings.from_number,
            settings.emulator_url) == ("emulator", SID, TOKEN, "+14155550100",
                                       "http://192.168.1.20:8765")
    banner = str(show_mode(settings))
    assert "nothing reaches Twilio" in banner and TOKEN not in banner


def test_a_room_s_env_lines_with_a_bad_sid_say_so(private_env):
    live_env(private_env, TWILIO_EMULATOR_URL="http://192.168.1.20:8765",
             TWILIO_ACCOUNT_SID="AC123")
    with pytest.raises(ConfigError, match="TWILIO_ACCOUNT_SID should be 'AC'"):
        get_settings()


def test_real_environment_variables_win_over_env_file(private_env, monkeypatch):
    monkeypatch.delenv("TWILIO_MODE")
    live_env(private_env)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+14155550111")
    assert get_settings().from_number == "+14155550111"


def test_edits_to_env_apply_without_restarting(private_env, monkeypatch):
    monkeypatch.delenv("TWILIO_MODE")
    assert get_settings().mode == "emulator"
    live_env(private_env)
    assert get_settings().mode == "live"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("TWILIO_ACCOUNT_SID", "AC123", "TWILIO_ACCOUNT_SID should be 'AC' followed by 32 hex"),
        ("TWILIO_ACCOUNT_SID", "SK" + "0" * 32, "starts with 'SK'"),
        ("TWILIO_AUTH_TOKEN", "not-a-token-xyz", "TWILIO_AUTH_TOKEN should be 32 hex digits"),
        ("TWILIO_FROM_NUMBER", "(415) 555-0100", "Use TWILIO_FROM_NUMBER=+14155550100"),
        ("MY_PHONE_NUMBER", "415 555 0199", "Use MY_PHONE_NUMBER=+14155550199"),
        ("MY_PHONE_NUMBER", "12", "wrong number of digits"),
        ("TWILIO_MESSAGING_SERVICE_SID", "MG12", "TWILIO_MESSAGING_SERVICE_SID should be 'MG'"),
        ("TWILIO_MODE", "production", "set it to 'emulator', 'live' or nothing"),
    ],
)
def test_bad_settings_name_the_variable_and_the_fix(private_env, monkeypatch, variable, value,
                                                      expected):
    monkeypatch.delenv("TWILIO_MODE")
    live_env(private_env, **{variable: value})
    with pytest.raises(ConfigError) as caught:
        get_settings()
    assert expected in str(caught.value)


def test_live_mode_without_credentials_says_what_is_missing(monkeypatch):
    monkeypatch.setenv("TWILIO_MODE", "live")
    with pytest.raises(ConfigError, match="TWILIO_ACCOUNT_SID is not set"):
        get_settings()


def test_the_token_never_appears_in_errors_reprs_or_banners(private_env, monkeypatch):
    monkeypatch.delenv("TWILIO_MODE")
    wrong = "abcdefabcdefabcdefabcdefabcdefXYZ"
    live_env(private_env, TWILIO_AUTH_TOKEN=wrong)
    with pytest.raises(ConfigError) as caught:
        get_settings()
    assert wrong not in str(caught.value)
    live_env(private_env)
    settings = get_settings()
    banner = show_mode(settings)
    for text in (repr(settings), str(settings), str(banner), banner._repr_html_()):
        assert TOKEN not in text


def test_banner_states_the_mode_and_from_number(private_env, monkeypatch):
    emulated = show_mode()
    assert "EMULATOR MODE" in str(emulated) and get_settings().from_number in str(emulated)
    monkeypatch.delenv("TWILIO_MODE")
    live_env(private_env)
    live = show_mode()
    assert "LIVE MODE" in str(live) and "+14155550100" in live._repr_html_()
    assert SID not in str(live), "the live banner shows a masked Account SID"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(415) 555-0100", "did you mean +14155550100?"),
        ("", "The phone number is empty"),
        ("hello", "is not a phone number"),
        ("+1415", "wrong number of digits"),
    ],
)
def test_to_e164_explains_the_fix(text, message):
    with pytest.raises(ValueError) as caught:
        to_e164(text)
    assert message in str(caught.value)


def test_to_e164_accepts_e164_and_other_regions():
    assert to_e164("+447700900123") == "+447700900123"
    with pytest.raises(ValueError, match=r"did you mean \+447700900123"):
        to_e164("07700 900123", region="GB")
