"""Logging: plain text by default, one JSON object per line with LOG_FORMAT=json.

Messages must never carry tokens, secrets or user message text at INFO; log ids and counts.
Fields passed with `extra={...}` become keys of the JSON object (text mode ignores them). As a
last line of defence a filter masks anything shaped like a Slack token (xoxb-…, xapp-…) and the
configured secrets, wherever a third-party library might put them.

Lines are written by a thread of their own (the standard library's `QueueHandler` and
`QueueListener`): a request thread only puts the record on a queue. Writing under the handler's
lock made `serve`'s threads, which log every request, queue behind the one writing, and that one
had to win the interpreter lock back after its system call (bench/RESULTS.md, fourth session).
"""

from __future__ import annotations

import atexit
import copy
import json
import logging
import os
import queue
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from logging.handlers import QueueHandler, QueueListener
from typing import Any

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "taskName"}
_TOKEN = re.compile(r"\bx(?:ox[abpreo]|app)-[A-Za-z0-9-]+")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class RedactSecrets(logging.Filter):
    """Mask Slack tokens and the given secret values in every record's text."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def _clean(self, text: str) -> str:
        text = _TOKEN.sub("[redacted-token]", text)
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self._clean(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when the line is written, not when logging was set
    up: a caller may have replaced it meanwhile (and closed the old one, as test runners do)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


class _LocalQueueHandler(QueueHandler):
    """Fixes a record's text in the calling thread (its arguments may change afterwards) but
    keeps its fields, for the JSON formatter: the queue never leaves this process."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record = copy.copy(record)
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        return record


class _LineWriter:
    """The thread writing log lines; started again in a forked child (gunicorn's workers),
    which inherits the queue handler but not the thread."""

    def __init__(self) -> None:
        self.handler: QueueHandler | None = None
        self.target: logging.Handler | None = None
        self.listener: QueueListener | None = None

    def start(self, handler: QueueHandler, target: logging.Handler) -> None:
        self.stop()
        self.handler, self.target = handler, target
        self._listen()

    def _listen(self) -> None:
        assert self.handler is not None and self.target is not None
        self.handler.queue = queue.SimpleQueue()
        self.listener = QueueListener(self.handler.queue, self.target)
        self.listener.start()

    def stop(self) -> None:
        """Write what is queued, then stop the thread (at exit, or before a new set-up)."""
        if self.listener is not None:
            self.listener.stop()
            self.listener = None

    def after_fork(self) -> None:
        if self.listener is not None:
            self._listen()


_writer = _LineWriter()
atexit.register(_writer.stop)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_writer.after_fork)


def setup_logging(fmt: str = "text", level: str = "INFO", secrets: Iterable[str | None] = ()) -> None:
    handler = _StderrHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    queued = _LocalQueueHandler(queue.SimpleQueue())
    queued.addFilter(RedactSecrets(secrets))  # in the calling thread, before the record is queued
    root = logging.getLogger()
    root.handlers[:] = [queued]
    _writer.start(queued, handler)
    root.setLevel(level)
    # slack_sdk logs request bodies (message text) at DEBUG only; keep its noise at WARNING.
    logging.getLogger("slack_sdk").setLevel(logging.WARNING)
    logging.getLogger("slack_bolt").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Alembic logs its plugin set-up and "Context impl" at INFO on every command that opens the
    # database; `migrate` prints what it applied itself. At DEBUG the operator sees all of it.
    logging.getLogger("alembic").setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
