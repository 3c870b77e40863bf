"""Dates and times in Korea time, in the page's language; Korean pages get a 24-hour clock."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date, format_datetime, get_locale

from gwangju_civic.models import utcnow

# Babel's Korean patterns print "AM 7:17" (an English marker on a Korean page): Korean staff read 24-hour times.
KOREAN_DATETIME = {"short": "yyyy. M. d. HH:mm", "medium": "yyyy. M. d. HH:mm:ss", "long": "yyyy년 M월 d일 HH:mm"}
KOREAN_DATE = {"short": "yyyy. M. d.", "medium": "yyyy. M. d.", "long": "yyyy년 M월 d일"}


def _korean() -> bool:
    return str(get_locale() or "") == "ko"


def datetimeformat(value: datetime | None, format: str = "medium") -> str:
    """A stored (UTC) moment shown in BABEL_DEFAULT_TIMEZONE, the app's Korea time."""
    if value is None:
        return ""
    return format_datetime(value, KOREAN_DATETIME.get(format, format) if _korean() else format)


def dateformat(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, KOREAN_DATE.get(format, format) if _korean() else format)


def city_zone() -> ZoneInfo:
    """Gwangju's time zone (BABEL_DEFAULT_TIMEZONE): what "today" and "09:00" mean for the city."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def city_today() -> date:
    """The calendar day in Gwangju: campaign dates, digests, daily limits."""
    return utcnow().astimezone(city_zone()).date()
