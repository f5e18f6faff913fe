"""Resident identity numbers (居民身份证号码): format, checksum and the birth date they carry."""

from __future__ import annotations

import re
from datetime import date

_PATTERN = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


class InvalidIdNumber(ValueError):
    """The text is not a valid 18-character identity number."""


def normalize_id_number(raw: str) -> str:
    """Upper-case, strip spaces, and check format, checksum and birth date (GB 11643)."""
    value = raw.strip().replace(" ", "").upper()
    if not _PATTERN.match(value):
        raise InvalidIdNumber("身份证号码应为18位，前17位为数字，最后一位为数字或X")
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != value[17]:
        raise InvalidIdNumber("身份证号码校验位不正确，请核对")
    birth_date_of(value)
    return value


def birth_date_of(id_number: str) -> date:
    """The birth date encoded in digits 7–14."""
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        raise InvalidIdNumber("身份证号码中的出生日期无效") from None


def with_check_digit(first17: str) -> str:
    """Complete 17 digits with their check character (used to make demo data)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + _CHECK[total % 11]


def mask_id_number(id_number: str | None) -> str | None:
    """Keep the region prefix and the last character: 110105********123X -> 110105********3X."""
    if not id_number:
        return id_number
    return id_number[:6] + "*" * 10 + id_number[-2:]
