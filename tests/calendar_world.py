"""An ICS server on 127.0.0.1 for the calendar tests, and iCalendar files written the way
Google/Outlook export them (TZID'd times, RRULE series with RECURRENCE-ID exceptions).

The server answers each path from `routes`: a body with an ETag (and 304 to a matching
If-None-Match), a delay (to make the reader time out), or a status. Every request is recorded
with its conditional headers, so a test can say what was asked and what was answered.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes = b""
    etag: str | None = None
    delay: float = 0.0
    status: int = 200


@dataclass
class Seen:
    path: str
    if_none_match: str | None
    status: int


@dataclass
class IcsServer:
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def start(self) -> IcsServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:
                route = server.routes.get(self.path.split("?", 1)[0])
                inm = self.headers.get("If-None-Match")
                if route is None:
                    status = 404
                elif route.etag and inm == route.etag:
                    status = 304
                else:
                    status = route.status
                server.seen.append(Seen(self.path, inm, status))
                if route is not None and route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(status)
                    if route is not None and route.etag:
                        self.send_header("ETag", route.etag)
                    body = route.body if route is not None and status == 200 else b""
                    self.send_header("Content-Type", "text/calendar; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if body:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the reader gave up (timeout, size limit)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def event(
    uid: str,
    start: str,
    end: str,
    summary: str,
    *,
    tz: str = "Europe/Berlin",
    rrule: str | None = None,
    recurrence_id: str | None = None,
    status: str | None = None,
    klass: str | None = None,
    location: str | None = None,
    description: str | None = None,
    organizer: str | None = None,
    attendees: tuple[tuple[str, str], ...] = (),
) -> str:
    """One VEVENT; times are local 'YYYYMMDDTHHMMSS' in `tz`."""
    lines = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261001T000000Z"]
    lines += [f"DTSTART;TZID={tz}:{start}", f"DTEND;TZID={tz}:{end}", f"SUMMARY:{summary}"]
    if rrule:
        lines.append(f"RRULE:{rrule}")
    if recurrence_id:
        lines.append(f"RECURRENCE-ID;TZID={tz}:{recurrence_id}")
    if status:
        lines.append(f"STATUS:{status}")
    if klass:
        lines.append(f"CLASS:{klass}")
    if location:
        lines.append(f"LOCATION:{location}")
    if description:
        lines.append(f"DESCRIPTION:{description}")
    if organizer:
        lines.append(f"ORGANIZER;CN=Organizer:mailto:{organizer}")
    for name, email in attendees:
        lines.append(f'ATTENDEE;CN="{name}";ROLE=REQ-PARTICIPANT:mailto:{email}')
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


def calendar(*events: str) -> bytes:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Pipeline Coach tests//EN", "X-WR-TIMEZONE:Europe/Berlin"]
    return ("\r\n".join([*head, *events, "END:VCALENDAR"]) + "\r\n").encode()
