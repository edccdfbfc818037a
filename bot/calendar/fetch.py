"""Reading a calendar address safely: the server is the rep's calendar provider, but the
address is typed by a user, so it must not reach into our own network.

- Only http(s) (webcal:// is read as https://), no credentials in the address.
- Every address the host resolves to must be public; private, loopback, link-local and
  reserved ones are refused unless `allow_private` (CALENDAR_ALLOW_PRIVATE=true). The check is
  made on the socket actually connected (not a separate lookup), so a rebinding DNS answer
  cannot slip past it, and again on each redirect (at most 3).
- Conditional (If-None-Match / If-Modified-Since), a timeout on every socket operation and an
  overall deadline, and a size limit (5 MB) checked on Content-Length and while reading.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3
USER_AGENT = "PipelineCoach-Calendar/1.0"


class FetchError(Exception):
    """Reading failed; `code` is a short, non-secret reason shown to the rep (`calendar.error.<code>`)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


@dataclass(frozen=True)
class Fetched:
    """`body` is None when the server answered 304 (nothing changed since `etag`/`last_modified`)."""

    body: bytes | None
    etag: str | None
    last_modified: str | None


def normalize_url(text: str) -> str:
    """The address as it will be read, or FetchError('bad_url')."""
    url = text.strip().strip("<>").split("|", 1)[0]  # Slack wraps links as <url|label>
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise FetchError("bad_url")
    if len(url) > 2000:
        raise FetchError("bad_url")
    return url


def _allowed(address: str, allow_private: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if allow_private:
        return not ip.is_multicast and not ip.is_unspecified
    return ip.is_global and not ip.is_multicast


def check_host(host: str, port: int, allow_private: bool) -> None:
    """FetchError('private_address') unless every address of `host` is allowed (used when
    connecting, so the rep hears at once; `fetch` checks the connected socket again)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError("unreachable", type(exc).__name__) from None
    if not infos or not all(_allowed(str(info[4][0]), allow_private) for info in infos):
        raise FetchError("private_address")


def _guarded_connect(allow_private: bool) -> Any:
    def connect(address: tuple[str, int], timeout: Any = None, source_address: Any = None, **_: Any) -> socket.socket:
        host, port = address
        check_host(host, port, allow_private)
        sock = socket.create_connection(address, timeout=timeout, source_address=source_address)
        peer = sock.getpeername()[0]
        if not _allowed(str(peer), allow_private):
            sock.close()
            raise FetchError("private_address")
        return sock

    return connect


def _open(url: str, headers: dict[str, str], timeout: float, allow_private: bool) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = conn_cls(parts.hostname or "", parts.port, timeout=timeout)
    conn._create_connection = _guarded_connect(allow_private)  # type: ignore[attr-defined]
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    conn.request("GET", path, headers=headers)
    return conn


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = 10.0,
    allow_private: bool = False,
    max_bytes: int = MAX_BYTES,
) -> Fetched:
    """GET the calendar (conditionally); FetchError with a short code on any failure."""
    deadline = time.monotonic() + timeout * 3
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = normalize_url(url)
    for _ in range(MAX_REDIRECTS + 1):
        conn: http.client.HTTPConnection | None = None
        try:
            conn = _open(current, headers, timeout, allow_private)
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                current = normalize_url(urljoin(current, response.getheader("Location") or ""))
                continue
            if response.status == 304:
                return Fetched(None, etag, last_modified)
            if response.status in (401, 403, 404, 410):
                raise FetchError("gone", str(response.status))
            if response.status != 200:
                raise FetchError("http", str(response.status))
            body = _read_body(response, deadline, max_bytes)
            return Fetched(body, response.getheader("ETag"), response.getheader("Last-Modified"))
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError("timeout") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError("unreachable", type(exc).__name__) from None
        finally:
            if conn is not None:
                conn.close()
    raise FetchError("http", "too many redirects")


def _read_body(response: http.client.HTTPResponse, deadline: float, max_bytes: int) -> bytes:
    """The body, read in chunks so a feed that is too big or trickles past the deadline is cut
    off instead of filling memory or holding a worker (split from `fetch` to keep it short)."""
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchError("too_large")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError("timeout")
        chunk = response.read(64 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("too_large")
        chunks.append(chunk)
    return b"".join(chunks)
