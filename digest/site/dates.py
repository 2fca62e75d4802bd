"""Pure: dates as the pages show them, in English and independent of the machine's locale,
so two builds on different machines are byte-identical."""

from __future__ import annotations

from datetime import date, datetime

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def long_date(d: date) -> str:
    """date -> 'Monday 11 September 2023'."""
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def short_date(d: date) -> str:
    """date -> '11 Sep 2023'."""
    return f"{d.day} {MONTH_NAMES[d.month - 1][:3]} {d.year}"


def month_name(month: int) -> str:
    return MONTH_NAMES[month - 1]


def zone_label(dt: datetime) -> str:
    """An aware datetime -> its zone as a reader knows it: 'CET', 'UTC', 'UTC-03'
    (zones without a common abbreviation are named by their offset)."""
    name = dt.tzname() or "UTC"
    if name[:1] in "+-":
        name = "UTC" + name.replace("-", "\N{MINUS SIGN}")
    return name
