"""count_segments follows Twilio's segment calculator; the emulator bills the same count."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.emulator import seed
from helpers.facts import TRIAL_PREFIX
from helpers.segments import _count_segments, count_segments


@pytest.mark.parametrize(
    ("body", "segments", "encoding"),
    [
        ("a" * 160, 1, "GSM-7"),
        ("a" * 161, 2, "GSM-7"),
        ("a" * 306, 2, "GSM-7"),
        ("a" * 307, 3, "GSM-7"),
        ("中" * 70, 1, "UCS-2"),
        ("中" * 71, 2, "UCS-2"),
        ("€" * 80, 1, "GSM-7"),
        ("€" * 81, 2, "GSM-7"),
        ("{" * 80, 1, "GSM-7"),
        ("a" * 159 + "{", 2, "GSM-7"),
        ("😀" * 35, 1, "UCS-2"),
        ("😀" * 36, 2, "UCS-2"),
        ("a" * 158 + "\r\n", 1, "GSM-7"),
        ("a" * 159 + "\r\n", 2, "GSM-7"),
        ("]" * 153, 3, "GSM-7"),
        ("]" * 80, 1, "GSM-7"),
        ("`", 1, "UCS-2"),
        ("", 0, "GSM-7"),
    ],
)
def test_segment_vectors(body, segments, encoding):
    result = count_segments(body)
    assert (result.segments, result.encoding) == (segments, encoding)
    assert "".join(result.parts) == body


def test_extension_characters_cost_two_septets():
    assert count_segments("€{}[]").units == 10
    assert count_segments("€{}[]").characters == 5


def test_decomposed_e_acute_forces_ucs2_but_precomposed_does_not():
    decomposed = count_segments("Cafe\u0301")
    assert decomposed.encoding == "UCS-2"
    assert decomposed.ucs2_chars == ("\u0301",)
    assert count_segments("Caf\u00e9").encoding == "GSM-7"


def test_ucs2_chars_lists_each_culprit_once_in_order():
    assert count_segments("Hi 😀 – ok 😀 ✓").ucs2_chars == ("😀", "–", "✓")


def test_multipart_gsm_segments_hold_153_septets():
    parts = count_segments("x" * 400).parts
    assert [len(p) for p in parts] == [153, 153, 94]


def test_multipart_ucs2_never_splits_a_surrogate_pair():
    parts = count_segments("a" + "😀" * 40).parts
    assert [len(p.encode("utf-16-le")) // 2 for p in parts] == [67, 14]
    assert all(not ("\ud800" <= p[-1] <= "\udfff") for p in parts)


def test_escape_pair_is_never_split():
    parts = count_segments("]" * 153).parts
    assert [len(p) for p in parts] == [76, 76, 1]


def test_emoji_with_skin_tone_stays_in_one_segment():
    body = "a" * 64 + "👍🏽" + "aaaa"  # 72 units; 64 + 4 would overflow a 67-unit segment
    parts = count_segments(body).parts
    assert parts == ("a" * 64, "👍🏽aaaa")


def test_smart_encoding_replaces_lookalikes_with_gsm7():
    plain = count_segments("“Smart” quotes – and… more", smart_encoding=True)
    assert plain.encoding == "GSM-7"
    assert plain.body == '"Smart" quotes - and... more'
    assert count_segments("“Smart” quotes – and… more").encoding == "UCS-2"


def test_emulator_bills_the_same_count_including_trial_prefix(client):
    body = "a" * 130  # 38-character trial prefix pushes it past 160
    message = client.messages.create(body=body, from_=seed.DEFAULT_FROM, to=seed.DEFAULT_TO)
    assert message.num_segments == str(count_segments(TRIAL_PREFIX + body).segments) == "2"


def test_emulator_honours_smart_encoded(upgraded):
    sender = seed.UPGRADED.number("long_code").phone_number
    body = "“Hello” – " + "a" * 150
    smart = upgraded.messages.create(body=body, from_=sender, to=seed.DEFAULT_TO,
                                     smart_encoded=True)
    raw = upgraded.messages.create(body=body, from_=sender, to=seed.DEFAULT_TO)
    assert (smart.num_segments, raw.num_segments) == ("1", "3")


def test_a_lone_surrogate_counts_as_one_ucs2_unit():
    """Half an emoji (a text box can send one) is counted, not a UnicodeEncodeError."""
    count = count_segments("Hi \ud83d")
    assert (count.encoding, count.units, count.segments) == ("UCS-2", 4, 1)
    assert count_segments("\ud83d" * 71).segments == 2


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.text(st.characters(max_codepoint=127), max_size=170),
                 st.text(st.sampled_from("abc "), min_size=155, max_size=165),
                 st.text(st.sampled_from("ab{`\r\n\x00~é€"), max_size=170), st.text(max_size=90)))
def test_the_plain_ascii_shortcut_counts_like_the_full_calculator(body):
    """count_segments answers short plain-ASCII bodies without the full calculation."""
    assert count_segments(body) == _count_segments(body, False)
