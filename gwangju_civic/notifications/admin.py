"""Admins' view of messages kept on this machine (no MAIL_SERVER / SMS_GATEWAY_URL): list and read them."""
import json
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from flask import Blueprint, abort, render_template

from gwangju_civic.admin.access import admin_required
from gwangju_civic.notifications.email import outbox_folder
from gwangju_civic.notifications.sms import sms_folder

FILE_NAME = re.compile(r"\d{8}-[a-z0-9_]{1,40}\.(eml|json)")
SHOWN = 200
bp = Blueprint("kept_mail", __name__, url_prefix="/admin/mail")
HEADERS = ("From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post")


def _folders() -> dict[str, Path]:
    return {"email": outbox_folder(), "sms": sms_folder()}


def _newest(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted((path.name for path in folder.iterdir() if FILE_NAME.fullmatch(path.name)), reverse=True)[:SHOWN]


@bp.route("")
@admin_required
def kept_messages():
    return render_template("admin/kept_messages.html",
                           files={channel: _newest(folder) for channel, folder in _folders().items()})


@bp.route("/<channel>/<name>")
@admin_required
def kept_message(channel: str, name: str):
    folder = _folders().get(channel)
    if folder is None or not FILE_NAME.fullmatch(name) or not (folder / name).is_file():
        abort(404)
    content = (folder / name).read_bytes()
    if channel == "sms":
        return render_template("admin/kept_message.html", name=name, headers=[], parts=[
            ("application/json", json.dumps(json.loads(content), ensure_ascii=False, indent=2))])
    message = message_from_bytes(content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    headers = [(header, str(message[header])) for header in HEADERS if message[header] is not None]
    parts = [(part.get_content_type(), part.get_content()) for part in message.walk()
             if part.get_content_maintype() == "text"]
    return render_template("admin/kept_message.html", name=name, headers=headers, parts=parts)
