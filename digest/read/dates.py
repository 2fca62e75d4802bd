"""Pure: a front-matter date value (many spellings) -> an aware datetime."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

from .plaintext import parse_dateline
from .text import FieldProblem, clean_text, kind_of, shorten


def parse_datetime(value: Any, zone: ZoneInfo) -> datetime:
    """A front-matter date in any common form -> aware datetime (naive ones are in `zone`)."""
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime.combine(value, time())
    elif isinstance(value, bool) or value is None:
        raise FieldProblem(f"date is {value!r}, not a date")
    elif isinstance(value, int | float):
        if 1000 <= value <= 9999:
            raise FieldProblem(f"date is a bare year ({value}); a day is needed")
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError) as err:
            raise FieldProblem(f"date {value!r} is out of range") from err
    elif isinstance(value, str):
        result = _parse_date_text(clean_text(value))
    else:
        raise FieldProblem(f"date is {kind_of(value)}, not a date")
    if result.tzinfo is None:
        result = result.replace(tzinfo=zone)
    return result


def _parse_date_text(text: str) -> datetime:
    if re.fullmatch(r"\d{4}", text):
        raise FieldProblem(f"date is a bare year ({text}); a day is needed")
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return parse_datetime(float(text), ZoneInfo("UTC"))
    candidate = text.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", text) else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError as err:
        if re.match(r"\d{4}-\d{1,2}-\d{1,2}", text):
            raise FieldProblem(f"impossible date {text!r}") from err
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    day = parse_dateline(text)
    if day is not None:
        return datetime.combine(day, time())
    raise FieldProblem(f"cannot read {shorten(text, 40)!r} as a date (use ISO 8601, "
                       "e.g. 2023-09-11 or 2023-09-11T14:30:00Z)")
