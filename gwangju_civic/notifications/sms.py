"""Text messages: a JSON POST to the city's SMS gateway (format in docs/notifications.md), or files under instance/.

A Korean SMS carries 90 bytes in EUC-KR; a longer text goes as an LMS (up to 2,000 bytes), and a text longer
than that is cut at a character boundary with "…" (the callers write short texts; this only guards).
"""
import json
import urllib.error
import urllib.request
from pathlib import Path

from flask import current_app

from gwangju_civic.models import Notification
from gwangju_civic.notifications.email import write_file

SMS_BYTES, LMS_BYTES, LMS_SUBJECT_BYTES = 90, 2000, 40
ELLIPSIS = "…"
TIMEOUT_SECONDS = 15


def sms_folder() -> Path:
    """Where text messages are written when no SMS_GATEWAY_URL is set (shown to admins)."""
    return Path(current_app.config["NOTIFICATION_FOLDER"]) / "sms"


def euc_kr_bytes(text: str) -> int:
    """Bytes the text takes in EUC-KR; a character EUC-KR lacks counts 2, as gateways substitute one."""
    total = 0
    for character in text:
        try:
            total += len(character.encode("euc-kr"))
        except UnicodeEncodeError:
            total += 2
    return total


def fit(text: str, limit: int) -> str:
    """The text, cut at a character boundary with an ellipsis when it is longer than `limit` EUC-KR bytes."""
    if euc_kr_bytes(text) <= limit:
        return text
    budget, kept = limit - euc_kr_bytes(ELLIPSIS), []
    for character in text:
        budget -= euc_kr_bytes(character)
        if budget < 0:
            break
        kept.append(character)
    return "".join(kept).rstrip() + ELLIPSIS


def payload(notification: Notification) -> dict[str, object]:
    """The gateway's JSON: "SMS" when the text fits 90 EUC-KR bytes, else "LMS" with a short subject."""
    text = notification.body_text.strip()
    size = euc_kr_bytes(text)
    body: dict[str, object] = {"id": notification.idempotency_key, "to": notification.recipient,
                               "from": current_app.config["SMS_SENDER"], "language": notification.language}
    if size <= SMS_BYTES:
        body.update(type="SMS", text=text)
    else:
        text = fit(text, LMS_BYTES)
        body.update(type="LMS", subject=fit(notification.subject.strip(), LMS_SUBJECT_BYTES), text=text)
    body["bytes"] = euc_kr_bytes(str(body["text"]))
    return body


def send(notification: Notification) -> None:
    """POST to the gateway (any 2xx is accepted; anything else raises), or write the JSON file."""
    body = payload(notification)
    encoded = json.dumps(body, ensure_ascii=False).encode()
    url = current_app.config["SMS_GATEWAY_URL"]
    if not url:
        write_file(sms_folder(), f"{notification.id:08d}-{notification.kind}.json", encoded)
        return
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": notification.idempotency_key}
    if token := current_app.config["SMS_GATEWAY_TOKEN"]:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=encoded, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (configured URL)
            response.read()
    except urllib.error.HTTPError as error:
        detail = error.read(300).decode("utf-8", "replace")
        raise RuntimeError(f"SMS gateway answered HTTP {error.code}: {detail}") from None
