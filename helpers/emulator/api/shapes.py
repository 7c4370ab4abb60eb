"""Twilio's JSON shapes for each resource, built from store rows and seed constants."""

from __future__ import annotations

import hashlib
import json
import time
from functools import lru_cache
from json.encoder import encode_basestring_ascii as _encode

from helpers.facts import DEFAULT_VALIDITY_PERIOD

from .. import seed
from ..state.clock import START

API = "/2010-04-01"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SEEDED_AT = START.timestamp() - 30 * 86400  # when the seeded numbers were "bought"


@lru_cache(maxsize=4096)
def rfc2822(timestamp: float | None) -> str | None:
    """``Mon, 06 Jan 2025 15:00:00 +0000``, the date format of the 2010-04-01 API."""
    if timestamp is None:
        return None
    t = time.gmtime(timestamp)
    return (
        f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000"
    )


def iso8601(timestamp: float) -> str:
    """``2025-01-06T15:00:00Z``, the date format of the v1 APIs."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def _json_text(value: str | None) -> str:
    return "null" if value is None else _encode(value)


@lru_cache(maxsize=4096)
def _json_date(timestamp: float | None) -> str:
    return "null" if timestamp is None else f'"{rfc2822(timestamp)}"'


def message_json(row) -> str:
    """A message row as Twilio's JSON text, laid out as ``json.dumps`` lays it out
    (``message(row)`` is the same as a dict).

    The create call renders one per request, so it is an f-string rather than a dict to
    encode. SIDs, direction, status and counts are plain ASCII identifiers and go in as
    they are; everything else is encoded.
    """
    account, sid, code = row["account_sid"], row["sid"], row["error_code"]
    base = f"{API}/Accounts/{account}/Messages/{sid}"
    return (
        f'{{"account_sid": "{account}", "api_version": "2010-04-01",'
        f' "body": {_encode(row["body"])}, "date_created": {_json_date(row["date_created"])},'
        f' "date_sent": {_json_date(row["date_sent"])},'
        f' "date_updated": {_json_date(row["date_updated"])}, "direction": "{row["direction"]}",'
        f' "error_code": {"null" if code is None else int(code)},'
        f' "error_message": {_json_text(row["error_message"])},'
        f' "from": {_json_text(row["from_number"])},'
        f' "messaging_service_sid": {_json_text(row["messaging_service_sid"])},'
        f' "num_media": "{row["num_media"]}", "num_segments": "{row["num_segments"]}",'
        f' "price": {_json_text(row["price"])}, "price_unit": "USD", "sid": "{sid}",'
        f' "status": "{row["status"]}", "subresource_uris": {{"media": "{base}/Media.json",'
        f' "feedback": "{base}/Feedback.json"}}, "to": {_encode(row["to_number"])},'
        f' "uri": "{base}.json"}}'
    )


def message(row) -> dict:
    """A message row as Twilio's JSON object."""
    return json.loads(message_json(row))


def media(row) -> dict:
    return {
        "account_sid": row["account_sid"],
        "content_type": row["content_type"],
        "date_created": rfc2822(row["date_created"]),
        "date_updated": rfc2822(row["date_created"]),
        "parent_sid": row["message_sid"],
        "sid": row["sid"],
        "uri": f"{API}/Accounts/{row['account_sid']}/Messages/{row['message_sid']}"
        f"/Media/{row['sid']}.json",
    }


def account(acct: seed.Account) -> dict:
    """The Account resource; ``auth_token`` is withheld so it can never reach an output."""
    base = f"{API}/Accounts/{acct.sid}"
    return {
        "auth_token": None,
        "date_created": rfc2822(SEEDED_AT),
        "date_updated": rfc2822(SEEDED_AT),
        "friendly_name": acct.friendly_name,
        "owner_account_sid": acct.sid,
        "sid": acct.sid,
        "status": "active",
        "subresource_uris": {
            "messages": f"{base}/Messages.json",
            "incoming_phone_numbers": f"{base}/IncomingPhoneNumbers.json",
            "outgoing_caller_ids": f"{base}/OutgoingCallerIds.json",
            "short_codes": f"{base}/SMS/ShortCodes.json",
        },
        "type": acct.type,
        "uri": f"{base}.json",
    }


def incoming_phone_number(acct: seed.Account, number: seed.PhoneNumber) -> dict:
    return {
        "account_sid": acct.sid,
        "address_requirements": "none",
        "api_version": "2010-04-01",
        "beta": False,
        "capabilities": {"fax": False, "mms": number.mms, "sms": number.sms,
                         "voice": number.voice},
        "date_created": rfc2822(SEEDED_AT),
        "date_updated": rfc2822(SEEDED_AT),
        "friendly_name": number.friendly_name,
        "origin": "twilio",
        "phone_number": number.phone_number,
        "sid": number.sid,
        "sms_method": "POST",
        "sms_url": "",
        "status": "in-use",
        "status_callback": "",
        "status_callback_method": "POST",
        "voice_method": "POST",
        "voice_url": "",
        "uri": f"{API}/Accounts/{acct.sid}/IncomingPhoneNumbers/{number.sid}.json",
    }


def short_code(acct: seed.Account, number: seed.PhoneNumber) -> dict:
    return {
        "account_sid": acct.sid,
        "api_version": "2010-04-01",
        "date_created": rfc2822(SEEDED_AT),
        "date_updated": rfc2822(SEEDED_AT),
        "friendly_name": number.friendly_name,
        "short_code": number.phone_number,
        "sid": number.sid,
        "sms_fallback_method": "POST",
        "sms_fallback_url": None,
        "sms_method": "POST",
        "sms_url": None,
        "uri": f"{API}/Accounts/{acct.sid}/SMS/ShortCodes/{number.sid}.json",
    }


def caller_id_sid(phone_number: str) -> str:
    return "PN" + hashlib.md5(f"caller-id{phone_number}".encode()).hexdigest()


def outgoing_caller_id(acct: seed.Account, phone_number: str) -> dict:
    sid = caller_id_sid(phone_number)
    return {
        "account_sid": acct.sid,
        "date_created": rfc2822(SEEDED_AT),
        "date_updated": rfc2822(SEEDED_AT),
        "friendly_name": phone_number,
        "phone_number": phone_number,
        "sid": sid,
        "uri": f"{API}/Accounts/{acct.sid}/OutgoingCallerIds/{sid}.json",
    }


SERVICES_URL = "https://messaging.twilio.com/v1/Services"


def service(acct: seed.Account) -> dict:
    svc = acct.messaging_service
    url = f"{SERVICES_URL}/{svc.sid}"
    return {
        "account_sid": acct.sid,
        "area_code_geomatch": True,
        "date_created": iso8601(SEEDED_AT),
        "date_updated": iso8601(SEEDED_AT),
        "fallback_method": "POST",
        "fallback_to_long_code": True,
        "fallback_url": None,
        "friendly_name": svc.friendly_name,
        "inbound_method": "POST",
        "inbound_request_url": None,
        "links": {
            "phone_numbers": f"{url}/PhoneNumbers",
            "short_codes": f"{url}/ShortCodes",
            "alpha_senders": f"{url}/AlphaSenders",
        },
        "mms_converter": True,
        "scan_message_content": "inherit",
        "sid": svc.sid,
        "smart_encoding": True,
        "status_callback": None,
        "sticky_sender": True,
        "synchronous_validation": True,
        "url": url,
        "us_app_to_person_registered": False,
        "use_inbound_webhook_on_number": False,
        "usecase": "undeclared",
        "validity_period": DEFAULT_VALIDITY_PERIOD,
    }


def service_phone_number(acct: seed.Account, number: seed.PhoneNumber) -> dict:
    svc = acct.messaging_service
    capabilities = [name for name, on in (("SMS", number.sms), ("MMS", number.mms),
                                          ("Voice", number.voice)) if on]
    return {
        "account_sid": acct.sid,
        "capabilities": capabilities,
        "country_code": "US",
        "date_created": iso8601(SEEDED_AT),
        "date_updated": iso8601(SEEDED_AT),
        "phone_number": number.phone_number,
        "service_sid": svc.sid,
        "sid": number.sid,
        "url": f"{SERVICES_URL}/{svc.sid}/PhoneNumbers/{number.sid}",
    }
