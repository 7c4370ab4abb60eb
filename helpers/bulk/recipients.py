"""Recipient lists: a list or CSV file, in E.164, duplicates dropped, rejects explained."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers
from phonenumbers import NumberParseException, ValidationResult

PHONE_COLUMNS = ("phone", "phone_number", "number", "to", "mobile", "cell", "recipient")

NO_COUNTRY = "unknown country code; start with + and the country code"
_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: NO_COUNTRY,
    NumberParseException.NOT_A_NUMBER: "not a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_LONG: "too long",
}
_LENGTH_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: NO_COUNTRY,
    ValidationResult.TOO_SHORT: "too short for its country",
    ValidationResult.TOO_LONG: "too long for its country",
    ValidationResult.INVALID_LENGTH: "wrong number of digits for its country",
}


@dataclass(frozen=True)
class Invalid:
    """A recipient that will not be sent to, and why (Twilio would answer 21211)."""

    raw: str
    reason: str
    error_code: int = 21211


@dataclass(frozen=True)
class Duplicate:
    """A recipient that repeats an earlier one once both are in E.164."""

    raw: str
    e164: str


@dataclass
class Recipients:
    """The outcome of reading a recipient list: who gets a message, who does not and why."""

    valid: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    invalid: list[Invalid] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.valid)


def parse(raw: str, default_region: str = "US") -> phonenumbers.PhoneNumber:
    """`raw` as a possible phone number, or ValueError with the reason."""
    text = str(raw).strip()
    if not text:
        raise ValueError("empty")
    try:
        number = phonenumbers.parse(text, default_region)
    except NumberParseException as exc:
        raise ValueError(_PARSE_REASONS.get(exc.error_type, str(exc))) from None
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible not in (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        raise ValueError(_LENGTH_REASONS.get(possible, "not a possible phone number"))
    if possible == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        raise ValueError("local number without an area code; add the area code")
    return number


def read_csv(path: str | Path) -> list[str]:
    """The phone column of a CSV file (a header named phone/number/to/... or the first column)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"Recipient file {path} does not exist: pass a CSV path or a list of numbers."
        )
    # Only the phone column matters: a sheet saved in Excel's ANSI code page still reads.
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [cell.strip().lower().replace(" ", "_") for cell in rows[0]]
    for name in PHONE_COLUMNS:
        if name in header:
            column = header.index(name)
            return [row[column] if column < len(row) else "" for row in rows[1:]]
    first = rows[0][0]
    has_header = not any(ch.isdigit() for ch in first)
    return [row[0] for row in rows[1 if has_header else 0 :]]


def load_recipients(recipients, default_region: str = "US") -> Recipients:
    """Read recipients (a list of numbers or a CSV path) into valid, duplicate and invalid ones."""
    if isinstance(recipients, Recipients):
        return recipients
    if isinstance(recipients, Path) or (isinstance(recipients, str) and (
        recipients.lower().endswith(".csv") or Path(recipients).is_file()
    )):
        raws = read_csv(recipients)
    elif isinstance(recipients, str):
        raise TypeError(
            f"recipients is a single string ({recipients!r}): pass a list such as "
            f"[{recipients!r}] or the path of a CSV file."
        )
    else:
        raws = list(recipients)
    result, seen = Recipients(), set()
    for raw in raws:
        try:
            number = parse(raw, default_region)
        except ValueError as exc:
            result.invalid.append(Invalid(str(raw), str(exc)))
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 in seen:
            result.duplicates.append(Duplicate(str(raw), e164))
            continue
        seen.add(e164)
        result.valid.append(e164)
        if not phonenumbers.is_valid_number(number):
            result.unassigned.append(e164)
    return result
