"""What residents and followers read: one message kind in one language, as e-mail (text and HTML) or a short SMS."""
import re
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

# The resident who filed the report: their tracking code and tracking link.
RECEIPT, STATUS, UPDATE, FIXED, MERGED = "receipt", "status", "update", "fixed", "merged"
# Someone following a public report: its public number and page, never the resident's tracking code.
FOLLOWER_STATUS, FOLLOWER_UPDATE, FOLLOWER_MERGED = "follower_status", "follower_update", "follower_merged"

SUBJECTS: dict[str, LazyString] = {
    RECEIPT: _l("Your report was received: %(code)s"),
    STATUS: _l("Your report %(code)s: %(status)s"),
    UPDATE: _l("News about your report %(code)s"),
    FIXED: _l("Is it fixed? Your report %(code)s was resolved"),
    MERGED: _l("Your report %(code)s now follows report #%(original_number)s"),
    FOLLOWER_STATUS: _l("Report #%(number)s: %(status)s"),
    FOLLOWER_UPDATE: _l("News about report #%(number)s"),
    FOLLOWER_MERGED: _l("Report #%(number)s now follows report #%(original_number)s"),
}

# SMS: the code and a short link only (the outbox's SMS sender keeps it within a Korean SMS or sends an LMS).
SMS_TEXTS: dict[str, LazyString] = {
    RECEIPT: _l("[Gwangju Civic] Received %(code)s %(tracking_url)s"),
    STATUS: _l("[Gwangju Civic] %(code)s: %(status)s %(tracking_url)s"),
    UPDATE: _l("[Gwangju Civic] %(code)s: new update %(tracking_url)s"),
    FIXED: _l("[Gwangju Civic] %(code)s resolved. Not fixed? %(tracking_url)s"),
    MERGED: _l("[Gwangju Civic] %(code)s merged into report #%(original_number)s %(tracking_url)s"),
}

BRAND = _l("Gwangju Civic")
SUBJECT_MAX = 200


@dataclass(frozen=True)
class Message:
    """A composed message, ready for `outbox.enqueue`."""

    kind: str
    language: str
    subject: str
    text: str
    html: str | None = None


def message_language(language: str | None) -> str:
    """The resident's language when the site speaks it (ko, en, fr), else the default (ko)."""
    if language in current_app.config["LANGUAGES"]:
        return str(language)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def one_line(text: str, limit: int = SUBJECT_MAX) -> str:
    """A header-safe line: no line breaks or control characters, whitespace collapsed, bounded."""
    line = re.sub(r"[\x00-\x1f\x7f\s]+", " ", text).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def render(name: str, language: str | None, subject: Any, **context: Any) -> tuple[str, str, str]:
    """The subject line (a lazy string, translated here), `name`.txt and `name`.html, in `language`."""
    with force_locale(message_language(language)):
        line = one_line(f"[{BRAND}] {subject}")
        text = render_template(f"{name}.txt", brand=str(BRAND), **context).strip() + "\n"
        html = render_template(f"{name}.html", brand=str(BRAND), subject=line, **context)
    return line, text, html


def compose_email(kind: str, language: str | None, **context: Any) -> Message:
    """Subject, plain text and HTML of one kind, rendered in `language` from templates/email/."""
    language = message_language(language)
    subject = LazyString(lambda: str(SUBJECTS[kind]) % context)
    return Message(kind, language, *render(f"email/{kind}", language, subject, **context))


def compose_sms(kind: str, language: str | None, **context: Any) -> Message:
    """One short line: the code and a short link, in `language`."""
    language = message_language(language)
    with force_locale(language):
        subject = one_line(f"[{BRAND}] " + str(SUBJECTS[kind]) % context)
        text = one_line(str(SMS_TEXTS[kind]) % context, limit=1000)
    return Message(kind, language, subject, text)
