"""Recipients: E.164 normalisation, duplicates, invalid numbers with reasons, CSV files."""

import pytest

from helpers.bulk import load_recipients


def test_list_is_normalised_deduplicated_and_rejects_explained():
    read = load_recipients([
        "+14158141829", "(415) 814-1829", "415.814.1829", "+44 20 7183 8750", "12", "hello", "",
        "+999 123 456",
    ])
    assert read.valid == ["+14158141829", "+442071838750"]
    assert [(d.raw, d.e164) for d in read.duplicates] == [
        ("(415) 814-1829", "+14158141829"), ("415.814.1829", "+14158141829")]
    reasons = {bad.raw: bad.reason for bad in read.invalid}
    assert reasons == {
        "12": "too short for its country",
        "hello": "not a phone number",
        "": "empty",
        "+999 123 456": "unknown country code; start with + and the country code",
    }
    assert {bad.error_code for bad in read.invalid} == {21211}


def test_numbers_in_no_assigned_range_are_kept_but_flagged():
    read = load_recipients(["+15558675310", "+14158141829"])
    assert read.valid == ["+15558675310", "+14158141829"]
    assert read.unassigned == ["+15558675310"]


def test_csv_with_a_phone_column(tmp_path):
    path = tmp_path / "club.csv"
    path.write_text("name,Phone Number\nAda,+1 415 814 1829\nAlan,(202) 555-0123\n"
                    "Grace,415-814-1829\nBob,not given\n")
    read = load_recipients(str(path))
    assert read.valid == ["+14158141829", "+12025550123"]
    assert [d.raw for d in read.duplicates] == ["415-814-1829"]
    assert [(bad.raw, bad.reason) for bad in read.invalid] == [("not given", "not a phone number")]


def test_csv_without_a_header_uses_the_first_column(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("+14158141829,Ada\n+12025550123,Alan\n\n")
    assert load_recipients(path).valid == ["+14158141829", "+12025550123"]


def test_csv_saved_by_excel_in_its_ansi_code_page_still_reads(tmp_path):
    path = tmp_path / "club.csv"
    path.write_bytes("name,phone\r\nJosé,+14158141829\r\n".encode("cp1252"))
    assert load_recipients(path).valid == ["+14158141829"]


def test_missing_csv_and_single_string_get_a_precise_message(tmp_path):
    with pytest.raises(FileNotFoundError, match="pass a CSV path or a list"):
        load_recipients(str(tmp_path / "nope.csv"))
    with pytest.raises(TypeError, match=r"pass a list such as \['\+14158141829'\]"):
        load_recipients("+14158141829")
