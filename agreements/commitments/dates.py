"""Due dates of commitments: "within six months of signing" turned into a date.

Month arithmetic clamps to the end of the month, as a calendar reader would: 31 August 2024
plus six months is 28 February 2025, and 31 August 2023 plus six months is 29 February 2024.

A base date known only to the month (or year) stands for its whole period: the due date
then has the same precision. For a span in months or years the due period is the base
period shifted by the span; for a span in days it is the period holding the latest possible
due day (the base period's last day plus the span), so a commitment is never reported
overdue before it can be.
"""

import calendar
import datetime

from agreements.models import DatePrecision, period_end


def add_months(value: datetime.date, months: int) -> datetime.date:
    """``value`` plus ``months`` calendar months, clamped to the end of the target month."""
    index = value.year * 12 + (value.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(value.day, last))


def shift(value: datetime.date, within: int, unit: str) -> datetime.date:
    """``value`` plus ``within`` days, months or years."""
    if unit == "days":
        return value + datetime.timedelta(days=within)
    if unit == "months":
        return add_months(value, within)
    if unit == "years":
        return add_months(value, 12 * within)
    raise ValueError(f"unknown unit {unit!r}")


def period_start(value: datetime.date, precision: str) -> datetime.date:
    """The first day of the period holding ``value`` at ``precision``."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def base_date(agreement, due_from: str) -> tuple[datetime.date | None, str]:
    """The agreement's date a relative due date counts from, with its precision.

    Entry into force is the agreement's ``effective_on``; when that is not recorded there
    is no due date (an unknown start is not guessed from the signing date)."""
    if due_from == "signing":
        return agreement.signed_on, agreement.signed_on_precision or DatePrecision.DAY
    if due_from == "entry_into_force":
        return agreement.effective_on, agreement.effective_on_precision or DatePrecision.DAY
    return None, DatePrecision.DAY


def relative_due(
    base: datetime.date | None, precision: str, within: int, unit: str
) -> tuple[datetime.date | None, str]:
    """(due date, its precision) for "within ``within`` ``unit`` of ``base``"."""
    if base is None:
        return None, DatePrecision.DAY
    precision = precision or DatePrecision.DAY
    if precision == DatePrecision.DAY:
        return shift(base, within, unit), DatePrecision.DAY
    if unit == "days":
        latest = shift(period_end(base, precision), within, unit)
        return period_start(latest, precision), precision
    return period_start(shift(base, within, unit), precision), precision


def due_for(commitment, agreement) -> tuple[datetime.date | None, str]:
    """The due date a commitment has now: computed when relative, else as recorded."""
    if commitment.due_within is None:
        return commitment.due_on, commitment.due_on_precision
    base, precision = base_date(agreement, commitment.due_from)
    return relative_due(base, precision, commitment.due_within, commitment.due_unit)


def due_period_end(value: datetime.date, precision: str) -> datetime.date:
    """The last day a due date of this precision allows."""
    return period_end(value, precision)
