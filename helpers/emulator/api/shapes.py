"""Twilio's JSON shapes of the seeded resources (accounts, numbers, services); messages and
media give theirs with ``to_dict()`` (``resources.py``)."""

from __future__ import annotations

import hashlib
import time

from helpers.facts import DEFAULT_VALIDITY_PERIOD

from .. import seed
from ..resources import API, rfc2822
from ..state.clock import START

SEEDED_AT = START.timestamp() - 30 * 86400  # when the seeded numbers were "bought"


def iso8601(timestamp: float) -> str:
    """``2025-01-06T15:00:00Z``, the date format of the v1 APIs."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


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


NUMBER_TYPES = {"toll_free": "tollfree"}  # any other kind of number is "local"


def incoming_phone_number(acct: seed.Account, number: seed.PhoneNumber) -> dict:
    """The IncomingPhoneNumber resource, every field of Twilio's spec (fictional values)."""
    return {
        "account_sid": acct.sid,
        "address_requirements": "none",
        "address_sid": None,
        "api_version": "2010-04-01",
        "beta": False,
        "bundle_sid": None,
        "capabilities": {"fax": False, "mms": number.mms, "sms": number.sms,
                         "voice": number.voice},
        "date_created": rfc2822(SEEDED_AT),
        "date_updated": rfc2822(SEEDED_AT),
        "emergency_address_sid": None,
        "emergency_address_status": "unregistered",
        "emergency_status": "Inactive",
        "friendly_name": number.friendly_name,
        "identity_sid": None,
        "origin": "twilio",
        "phone_number": number.phone_number,
        "sid": number.sid,
        "sms_application_sid": None,
        "sms_fallback_method": "POST",
        "sms_fallback_url": "",
        "sms_method": "POST",
        "sms_url": "",
        "status": "in-use",
        "status_callback": "",
        "status_callback_method": "POST",
        "trunk_sid": None,
        "type": NUMBER_TYPES.get(number.kind, "local"),
        "uri": f"{API}/Accounts/{acct.sid}/IncomingPhoneNumbers/{number.sid}.json",
        "voice_application_sid": None,
        "voice_caller_id_lookup": False,
        "voice_fallback_method": "POST",
        "voice_fallback_url": "",
        "voice_method": "POST",
        "voice_receive_mode": "voice",
        "voice_url": "",
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
