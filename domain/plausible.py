"""Dates that can have happened: not before 1900, not in the future.

A moment that happened (found, born, boarded…) is typed ``HappenedAt`` or ``HappenedOn``.
"Before 1900" is checked wherever the model is built. "In the future" needs a clock, which the
caller hands in through the validation context (``clock_context``): the API's edge does, with
the time of the request, and so does the completion check, with the workflow's time; a
workflow decoding its history hands none, so replays never depend on the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo
from pydantic_core import PydanticCustomError

EARLIEST = date(1900, 1, 1)
CLOCK_SKEW = timedelta(minutes=10)
"""How far ahead of our clock a device's clock may run before its moment is 'in the future'."""
_CLOCK = "rescue_clock"


@dataclass(frozen=True)
class Clock:
    """Now, for the check that a moment has happened. ``now`` None: only the local date is
    known (a moment is compared by its local date)."""

    today: date
    now: datetime | None = None
    utc_offset_hours: int = 8

    def local_date(self, moment: datetime) -> date:
        return self._aware(moment).astimezone(timezone(timedelta(hours=self.utc_offset_hours))).date()

    def _aware(self, moment: datetime) -> datetime:
        # A moment without a time zone is local time, as the console's forms send it.
        if moment.tzinfo is None:
            return moment.replace(tzinfo=timezone(timedelta(hours=self.utc_offset_hours)))
        return moment

    def is_future(self, moment: datetime) -> bool:
        if self.now is not None:
            return self._aware(moment) > self.now + CLOCK_SKEW
        return self.local_date(moment) > self.today


def clock_context(*, now: datetime | None = None, today: date | None = None,
                  utc_offset_hours: int = 8) -> dict[str, Clock]:
    """The validation context that turns on the 'not in the future' checks."""
    if today is None:
        if now is None:
            now = datetime.now(UTC)
        today = now.astimezone(timezone(timedelta(hours=utc_offset_hours))).date()
    return {_CLOCK: Clock(today=today, now=now, utc_offset_hours=utc_offset_hours)}


def _clock(info: ValidationInfo) -> Clock | None:
    context = info.context
    return context.get(_CLOCK) if isinstance(context, dict) else None


def _too_early() -> PydanticCustomError:
    return PydanticCustomError("date_too_early", "日期不能早于1900年1月1日，请核对")


def _in_future() -> PydanticCustomError:
    return PydanticCustomError("date_in_future", "不能晚于当前时间（尚未发生），请核对")


def _happened_at(value: datetime, info: ValidationInfo) -> datetime:
    if value.date() < EARLIEST:
        raise _too_early()
    clock = _clock(info)
    if clock is not None and clock.is_future(value):
        raise _in_future()
    return value


def _happened_on(value: date, info: ValidationInfo) -> date:
    if value < EARLIEST:
        raise _too_early()
    clock = _clock(info)
    if clock is not None and value > clock.today:
        raise _in_future()
    return value


HappenedAt = Annotated[datetime, AfterValidator(_happened_at)]
"""A moment that has happened: from 1900 on, and (with a clock) not in the future."""
HappenedOn = Annotated[date, AfterValidator(_happened_on)]
"""A day that has come: from 1900 on, and (with a clock) not after today."""

