"""A minimal browser over http.client for tests and bench/load.py: cookies, CSRF tokens, a chosen source address."""
import http.client
import re
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RECEIVED = re.compile(r"/report/received/([A-Z0-9-]+)")
SPOOLED_CODE = re.compile(r'id="tracking-code">([A-Z0-9-]+)<')


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str


class Visitor:
    """One resident's browser: its own cookies and connection; `source` picks the loopback address it comes from."""

    def __init__(self, base_url: str, source: str | None = None, timeout: float = 60.0) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.source, self.timeout = source, timeout
        self.cookies: dict[str, str] = {"lang": "en"}
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout,
                source_address=(self.source, 0) if self.source else None)
        return self._connection

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Response:
        headers = {**(headers or {}), "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile is opened again once
            connection = self._connect()
            try:
                connection.request(method, path, body=body, headers=headers)
                raw = connection.getresponse()
                text = raw.read().decode("utf-8", errors="replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2 or method != "GET":
                    raise
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                cookie = SimpleCookie()
                cookie.load(value)
                self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        if raw.getheader("Connection", "").lower() == "close":
            self.close()
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None
             ) -> Response:
        """URL-encoded, or multipart (as a browser sends a form with a file input) when `files` is given."""
        if files is None:
            return self.request("POST", path, urlencode(fields).encode(),
                                {"Content-Type": "application/x-www-form-urlencoded"})
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                 for name, value in fields.items()]
        for name, (filename, data, content_type) in files.items():
            if not filename:  # a file input left empty
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
                             "Content-Type: application/octet-stream\r\n\r\n\r\n".encode())
                continue
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        match = CSRF.search(page.text)
        if page.status != 200 or match is None:
            raise AssertionError(f"GET {path}: {page.status}, no CSRF token")
        return match.group(1)

    def file_report(self, title: str, description: str, address: str = "광주 동구 금남로 4가"
                    ) -> tuple[Response, str | None]:
        """GET the form, POST it as a browser does; the tracking code the resident got (redirect or spooled receipt)."""
        token = self.csrf_token("/report")
        response = self.post("/report", {"csrf_token": token, "kind": "problem", "title": title,
                                         "description": description, "address": address, "latitude": "",
                                         "longitude": "", "contact_email": "", "contact_phone": ""},
                             {"photos": ("", b"", "")})
        if response.status in (302, 303) and (match := RECEIVED.search(response.headers.get("location", ""))):
            return response, match.group(1)
        if response.status == 202 and (match := SPOOLED_CODE.search(response.text)):
            return response, match.group(1)
        return response, None

    def __enter__(self) -> "Visitor":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
