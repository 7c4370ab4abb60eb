"""fastjson.dumps writes exactly what json.dumps writes (JSON answers and timelines use it)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.emulator import fastjson

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None, database=None)
@given(JSON_VALUES)
def test_same_text_as_json_dumps(value):
    assert fastjson.dumps(value) == json.dumps(value)


def test_a_message_with_emoji_and_a_timeline():
    value = {"body": "Price: 5€ 😀\n\"quoted\"", "price": None, "num_segments": "2",
             "timeline": [[1736175601.5, "sending", "date_sent", 1736175601.5]]}
    assert fastjson.dumps(value) == json.dumps(value)


def test_unsupported_types_raise_like_json():
    with pytest.raises(TypeError, match="set is not JSON serializable"):
        fastjson.dumps({"x": {1, 2}})
