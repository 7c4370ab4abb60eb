"""Twilio's facts, in one place: what the course teaches and the emulator reproduces.

    from helpers.facts import MAX_BODY, TRIAL_PREFIX, content_refusal

- ``limits``: body and media limits, ``ValidityPeriod``, ``PageSize``, E.164, the trial prefix.
- ``encoding``: segment rules (GSM-7 and UCS-2 alphabets and capacities, Smart Encoding).
- ``errors``: the error catalogue (each code's HTTP status and Twilio's text, delivery errors).
- ``sending``: prices, senders' speeds, sender kinds, where MMS is native.
- ``magic``: Twilio's magic test numbers and the course's delivery-failure recipients.
- ``rules``: the checks Twilio makes before accepting a message, as pure functions.

Both the course (forms, bulk sender, pricing, guidance) and the emulator import from here;
the emulator's fictional world (accounts, their numbers and SIDs) stays in
``helpers/emulator/seed.py``. Facts are checked against the installed twilio library and
``TWILIO_FACTS.md`` by ``tests/test_facts.py``.
"""

from .encoding import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    MULTI_SEGMENT,
    SINGLE_SEGMENT,
    SMART_ENCODING,
)
from .errors import (
    CATALOG,
    DELIVERY_ERRORS,
    DETAILS,
    MORE_INFO,
    error_message,
    error_status,
    more_info,
)
from .limits import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_VALIDITY_PERIOD,
    E164_MAX_DIGITS,
    IMAGE_TYPES,
    MAX_BODY,
    MAX_IMAGE_MB,
    MAX_MEDIA,
    MAX_OTHER_MEDIA_KB,
    MAX_PAGE_SIZE,
    SCHEDULE_MAX_AHEAD,
    SCHEDULE_MIN_AHEAD,
    TRIAL_PREFIX,
    VALIDITY_PERIOD_MAX,
    VALIDITY_PERIOD_MIN,
)
from .magic import FAILURE_NUMBERS, MAGIC_FROM, MAGIC_FROM_OK, MAGIC_TO
from .rules import (
    Refusal,
    body_too_long,
    content_refusal,
    invalid_media_urls,
    is_valid_media_url,
    is_valid_validity_period,
    sender_refusal,
    status_callback_refusal,
    too_many_media,
)
from .sending import (
    ACCOUNT_MMS_MPS,
    LONG_CODE_MPS,
    NORTH_AMERICA,
    PRICE_MMS,
    PRICE_SMS_INTERNATIONAL,
    PRICE_SMS_NORTH_AMERICA,
    SENDER_MPS,
    SHORT_CODE_MPS,
    TOLL_FREE_MPS,
    TOLL_FREE_PREFIXES,
    is_short_code,
    message_price,
    sender_kind,
)
from .web import DEMO_MEDIA_HOST, RAW_DLR_DONE_DATE, SIGNATURE_HEADER, is_demo_media

__all__ = [
    "ACCOUNT_MMS_MPS", "CATALOG", "DEFAULT_PAGE_SIZE", "DEFAULT_VALIDITY_PERIOD",
    "DEMO_MEDIA_HOST", "RAW_DLR_DONE_DATE", "SIGNATURE_HEADER", "is_demo_media",
    "DELIVERY_ERRORS", "DETAILS", "E164_MAX_DIGITS", "FAILURE_NUMBERS", "GSM7_BASIC",
    "GSM7_EXTENSION",
    "IMAGE_TYPES", "LONG_CODE_MPS", "MAGIC_FROM", "MAGIC_FROM_OK", "MAGIC_TO", "MAX_BODY",
    "MAX_IMAGE_MB", "MAX_MEDIA", "MAX_OTHER_MEDIA_KB", "MAX_PAGE_SIZE", "MORE_INFO",
    "MULTI_SEGMENT", "NORTH_AMERICA", "PRICE_MMS", "PRICE_SMS_INTERNATIONAL",
    "PRICE_SMS_NORTH_AMERICA", "Refusal", "SCHEDULE_MAX_AHEAD", "SCHEDULE_MIN_AHEAD",
    "SENDER_MPS", "SHORT_CODE_MPS",
    "SINGLE_SEGMENT", "SMART_ENCODING", "TOLL_FREE_MPS", "TOLL_FREE_PREFIXES", "TRIAL_PREFIX",
    "VALIDITY_PERIOD_MAX", "VALIDITY_PERIOD_MIN", "body_too_long", "content_refusal",
    "error_message", "error_status", "invalid_media_urls", "is_short_code",
    "is_valid_media_url", "is_valid_validity_period", "message_price", "more_info",
    "sender_kind", "sender_refusal", "status_callback_refusal", "too_many_media",
]
