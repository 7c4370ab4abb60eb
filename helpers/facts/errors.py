"""Twilio's error catalogue: each code's HTTP status and message text, as the REST API
returns them, and the texts of the delivery errors a message carries.

This is the only place a code's status and text live. The emulator raises them
(``helpers.emulator.errors.TwilioError``); the course's explanation of each code (what it
means, how to fix it) is in ``helpers.guidance``, keyed by the same codes.
"""

from __future__ import annotations

MORE_INFO = "https://www.twilio.com/docs/errors/{code}"
"""The page Twilio links from every error (``more_info``)."""

_SEND_AT_WINDOW = ("SendAt time must be between 300 seconds and 35 days (3024000 seconds) in the"
                   " future, inclusive.")  # twilio.com/docs/api/errors/35114 and 35115

# code: (HTTP status, message template); the {fields} are filled in per request.
CATALOG: dict[int, tuple[int, str]] = {
    20001: (400, "Invalid parameter: {detail}"),
    20003: (401, "Authenticate"),
    20008: (403, "Resource not accessible with Test Account Credentials"),
    20009: (400, "Cannot delete message because delivery has not been completed."),
    20404: (404, "The requested resource {path} was not found"),
    20429: (429, "Too Many Requests"),
    20500: (500, "An internal server error has occurred"),
    21211: (400, "The 'To' number {to} is not a valid phone number."),
    21212: (
        400,
        "The 'From' number {from_} is not a valid phone number, shortcode, "
        "or alphanumeric sender ID.",
    ),
    21266: (400, "'To' and 'From' numbers cannot be the same"),  # twilio.com/docs/api/errors/21266
    21408: (
        400,
        "Permission to send an SMS has not been enabled for the region indicated by "
        "the 'To' number: {to}.",
    ),
    21603: (400, "A 'From' phone number is required."),
    21604: (400, "A 'To' phone number is required."),
    21606: (
        400,
        "The From phone number {from_} is not a valid, SMS-capable inbound phone number "
        "or short code for your account.",
    ),
    21608: (
        400,
        "The number {to} is unverified. Trial accounts cannot send messages to unverified "
        "numbers; verify {to} at twilio.com/user/account/phone-numbers/verified, or purchase "
        "a Twilio number to send messages to unverified numbers.",
    ),
    21609: (400, "The StatusCallback URL {url} is not a valid URL."),
    21610: (400, "The message From/To pair violates a blacklist rule."),
    21611: (400, "SMS queue is full."),
    21612: (
        400,
        "The 'To' phone number: {to}, is not currently reachable using the 'From' phone "
        "number: {from_} via SMS.",
    ),
    21614: (400, "To number: {to}, is not a mobile number"),
    21617: (400, "The concatenated message body exceeds the 1600 character limit."),
    21619: (400, "A text message body or media urls must be specified."),
    21620: (400, "Media urls: {url} are invalid. Please use only valid http and https urls"),
    21621: (400, "The 'From' number {from_} is not enabled for MMS."),
    21623: (400, "Number of media files exceeds allowed limit. Maximum allowed: 10"),
    21624: (400, "Invalid validity period value"),  # twilio.com/docs/api/errors/21624
    21705: (400, "The Messaging Service Sid {sid} is invalid."),
    # "Invalid 'From' and 'To' pair...": https://www.twilio.com/docs/api/errors/21910
    21910: (400, "Invalid 'From' and 'To' pair. 'From' and 'To' should be of the same channel"),
    30400: (400, "Parameters are not valid: {detail}"),
    30409: (400, "This message cannot be canceled"),
    # Message Scheduling: https://www.twilio.com/docs/api/errors/35111 (35114, 35115, 35118)
    35111: (400, "You must indicate SendAt timestamp if ScheduleType is 'fixed'."),
    35114: (400, _SEND_AT_WINDOW),
    35115: (400, _SEND_AT_WINDOW),
    35118: (400, "MessagingServiceSid is required to schedule a message"),
    # https://www.twilio.com/docs/api/errors/63007
    63007: (400, "Twilio could not find a Channel with the specified From address"),
}

DETAILS: dict[int, str] = {
    # the ``detail`` Twilio adds to a 401 body (its helper libraries' fixtures of real answers,
    # e.g. github.com/twilio/twilio-php tests: {"code": 20003, "detail": ..., "status": 401})
    20003: "Your AccountSid or AuthToken was incorrect.",
}

# Delivery errors: carried on the message itself (``error_code``, ``error_message``) when it
# ends ``undelivered`` or ``failed``; the create call still returned 201.
DELIVERY_ERRORS: dict[int, str] = {
    30001: "Queue overflow",
    30003: "Unreachable destination handset",
    30005: "Unknown destination handset",
    30006: "Landline or unreachable carrier",
    30007: "Message filtered",
    30034: "Message from an unregistered number",
    30036: "Validity Period Expired",  # https://www.twilio.com/docs/api/errors/30036
}


def more_info(code: int) -> str:
    """The docs page for ``code``: https://www.twilio.com/docs/errors/<code>."""
    return MORE_INFO.format(code=code)


def error_status(code: int) -> int:
    """The HTTP status Twilio answers ``code`` with."""
    return CATALOG[code][0]


def error_message(code: int, **fields: str) -> str:
    """Twilio's text for ``code``, its ``{fields}`` filled in."""
    return CATALOG[code][1].format(**fields)
