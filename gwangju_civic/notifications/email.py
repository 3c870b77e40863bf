"""E-mail through Flask-Mailman's SMTP backend, or as .eml files under instance/ when no MAIL_SERVER is set."""
import contextlib
import hashlib
import os
import smtplib
import tempfile
from email.utils import parseaddr
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mailman import EmailMultiAlternatives
from markupsafe import Markup, escape

from gwangju_civic.extensions import mail
from gwangju_civic.links import external_url
from gwangju_civic.models import Notification
from gwangju_civic.notifications.tokens import make_token

UNSUBSCRIBE = "unsubscribe"  # the token purpose of unsubscribe links


def outbox_folder() -> Path:
    """Where messages are written when no SMTP server is configured (shown to admins)."""
    return Path(current_app.config["NOTIFICATION_FOLDER"]) / "outbox"


def message_id(key: str) -> str:
    """The same Message-ID for every attempt of one outbox row, so a resent copy can be recognized."""
    domain = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1].rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def unsubscribe_url(notification: Notification) -> str:
    """The signed one-click link; it names the outbox row, never the address (links end up in logs)."""
    return external_url("notifications.unsubscribe", token=make_token(UNSUBSCRIBE, n=notification.id))


def _html_from_text(text: str) -> str:
    """An HTML part for a message written as plain text only: escaped paragraphs."""
    paragraphs = [escape(block).replace("\n", Markup("<br>")) for block in text.split("\n\n") if block.strip()]
    return "".join(str(Markup("<p>{}</p>").format(paragraph)) for paragraph in paragraphs)


def build(notification: Notification) -> EmailMultiAlternatives:
    """The message with its text and HTML parts, a stable Message-ID and, when it has one, its unsubscribe."""
    text = notification.body_text
    html = notification.body_html or _html_from_text(text)
    headers = {"Message-ID": message_id(notification.idempotency_key), "Auto-Submitted": "auto-generated"}
    if notification.unsubscribe_scope:
        link = unsubscribe_url(notification)
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        with force_locale(notification.language):
            footer = _("To stop receiving these messages, unsubscribe: %(link)s", link=link)
            html_footer = Markup('<p style="color:#666;font-size:small"><a href="{}">{}</a></p>').format(
                link, _("Unsubscribe"))
        text = f"{text.rstrip()}\n\n--\n{footer}\n"
        html = _before_body_end(html, html_footer)
    message = EmailMultiAlternatives(subject=notification.subject, body=text,
                                     from_email=current_app.config["MAIL_DEFAULT_SENDER"],
                                     to=[notification.recipient], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def _before_body_end(html: str, footer: str) -> str:
    """The footer inside the document: before its last </body> when it has one, else at the end."""
    end = html.lower().rfind("</body>")
    return f"{html[:end]}{footer}{html[end:]}" if end >= 0 else f"{html}{footer}"


def send(notification: Notification) -> None:
    """Send over SMTP (raises on refusal, bad credentials, or no server), or write the .eml file."""
    message = build(notification)
    config = current_app.config
    if not config["MAIL_SERVER"]:
        write_file(outbox_folder(), f"{notification.id:08d}-{notification.kind}.eml", message.message().as_bytes())
        return
    connection = mail.get_connection(
        backend="smtp", host=config["MAIL_SERVER"], port=config["MAIL_PORT"], username=config["MAIL_USERNAME"],
        password=config["MAIL_PASSWORD"], use_tls=config["MAIL_USE_TLS"], use_ssl=config["MAIL_USE_SSL"],
        timeout=config["MAIL_TIMEOUT"])
    message.connection = connection
    try:
        accepted = message.send()
    finally:  # after a refused login the backend keeps its socket open
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    if accepted != 1:
        raise RuntimeError("the SMTP server did not accept the message")


def write_file(folder: Path, name: str, content: bytes) -> Path:
    """Write atomically (a retry replaces the same file, a reader never sees half of one)."""
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    path = folder / name
    os.replace(temporary, path)
    return path
