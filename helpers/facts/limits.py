"""The Messages API's limits, as Twilio documents them.

Sources: the parameter docs of twilio-python 9.x (``MessageList.create`` and ``.stream``,
which repeat Twilio's OpenAPI spec) and Twilio's error pages. ``tests/test_facts.py`` reads
the installed twilio library's docstrings and checks these numbers against them.
"""

from __future__ import annotations

# -- one message ---------------------------------------------------------------------------
MAX_BODY = 1600
"""Characters in ``Body``; a longer body is refused with 21617."""

MAX_MEDIA = 10
"""``MediaUrl`` parameters per message; more are refused with 21623."""

MAX_IMAGE_MB = 5
"""Total size of a message's jpeg, png and gif media (Twilio resizes them to fit)."""

MAX_OTHER_MEDIA_KB = 500
"""Size of a media file of another accepted type (audio, video, vCard, PDF...)."""

IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif")
"""The media types Twilio fully supports and formats for the destination device."""

TRIAL_PREFIX = "Sent from your Twilio trial account - "
"""What a trial account puts before every body; it is in the returned ``body`` and counts
towards the segments."""

# -- create parameters ---------------------------------------------------------------------
VALIDITY_PERIOD_MIN = 1
VALIDITY_PERIOD_MAX = 36000
"""``ValidityPeriod`` accepts whole seconds from 1 to 36000 (10 hours)."""

DEFAULT_VALIDITY_PERIOD = 36000
"""Without ``ValidityPeriod`` a message may wait 10 hours in its sender's queue. A From
number whose queue is longer than that refuses new messages (21611); a Messaging Service
accepts them and they fail with 30001 (https://www.twilio.com/docs/api/errors/21611)."""

SCHEDULE_MIN_AHEAD = 300
SCHEDULE_MAX_AHEAD = 35 * 86400
"""A scheduled message's ``SendAt`` lies 300 s to 35 days after the request, inclusive
(https://www.twilio.com/docs/api/errors/35114; older pages said 15 minutes and 7 days)."""

E164_MAX_DIGITS = 15
"""An E.164 number is ``+``, the country code and at most 15 digits in all."""

# -- lists ---------------------------------------------------------------------------------
DEFAULT_PAGE_SIZE = 50
"""Records per page when ``PageSize`` is not given."""

MAX_PAGE_SIZE = 1000
"""The largest page Twilio returns; a larger ``PageSize`` gets this many."""
