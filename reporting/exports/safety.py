"""What makes an exported file safe to hand over. Pure: no database, no settings.

- Spreadsheet cells: a text starting with = + - @ or a tab or carriage return could be read
  as a formula by Excel or LibreOffice (CSV injection); it gets a leading apostrophe.
- Pseudonyms: HMAC-SHA256(key, "<kind>:<id>"), the first 80 bits in base32 (16 characters).
  The same key gives the same pseudonym for the same client in every export; another key
  gives unrelated ones; without the key the id cannot be recovered.
- Date shifting: every date of one client moves by the same number of days, 1-182 days
  earlier or later, taken from HMAC-SHA256(key, "shift:<id>"). Intervals within a client
  stay exact; calendar dates no longer point to a person.
"""

import base64
import datetime
import hashlib
import hmac

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_SHIFT_DAYS = 182


def spreadsheet_safe(value: object) -> object:
    """The cell value, with a leading apostrophe if a text could start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _digest(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def pseudonym(key: bytes, kind: str, ident: int) -> str:
    return base64.b32encode(_digest(key, f"{kind}:{ident}")[:10]).decode()


def shift_days(key: bytes, client_id: int) -> int:
    """The client's date offset: never zero, at most MAX_SHIFT_DAYS either way."""
    number = int.from_bytes(_digest(key, f"shift:{client_id}")[:4], "big")
    days = 1 + (number >> 1) % MAX_SHIFT_DAYS
    return days if number & 1 else -days


def shifted(day: datetime.date | None, offset_days: int) -> datetime.date | None:
    return day + datetime.timedelta(days=offset_days) if day is not None else None
