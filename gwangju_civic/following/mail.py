"""Korea's calendar day for the following, alert and digest e-mails (composed by notifications/messages.py)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")


def seoul_today(now: datetime | None = None) -> date:
    """The calendar day in Korea: what "today" means for a digest or a daily limit."""
    return (now or datetime.now(SEOUL)).astimezone(SEOUL).date()

