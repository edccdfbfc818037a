"""The fake Slack Web API in a process of its own, for benchmarks.

In its own process so that answering the app's replies (parsing, Block Kit checks) does not
compete for the interpreter lock with the threads that measure latency. It notes when each
reply arrived and in which channel (benchmarks give every request its own channel id), so the
harness can compute the full round trip: request sent → ephemeral reply received by "Slack".

    python -m bench.fake_slack_server [--users users.json]

Prints `READY <base url>` and then answers lines on stdin: `drain` prints a JSON list of
[channel, arrival time (epoch s), ok, method] since the last drain; `quit` stops.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

from dev.fake_slack import FakeSlack

_REPLY_METHODS = ("chat.postEphemeral", "chat.postMessage", "views.open")


class RecordingFakeSlack(FakeSlack):
    """FakeSlack that also notes the arrival time of every reply, by channel.

    Benchmarks send thousands of requests: the fake keeps no message bodies (only the arrival
    notes), so its memory and its locks stay small however long the run.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.arrivals: list[tuple[str, float, bool, str]] = []
        self._arrivals_lock = threading.Lock()

    def _note(self, channel: str, ok: bool, method: str) -> None:
        with self._arrivals_lock:
            self.arrivals.append((channel, time.time(), ok, method))

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        super()._handle(request)
        with self._lock:  # forget what the base class kept: only the arrival notes matter here
            self.messages.clear()
            self.calls.clear()
            self.responses.clear()

    def _response_url(self, path: str, raw: bytes) -> dict[str, Any]:
        result = super()._response_url(path, raw)
        self._note(path.split("/")[2], bool(result.get("ok")), "response_url")
        return result

    def _dispatch(self, method: str, params: dict[str, Any], token: str | None):  # type: ignore[no-untyped-def]
        status, headers, body = super()._dispatch(method, params, token)
        if method in _REPLY_METHODS:
            self._note(str(params.get("channel") or params.get("trigger_id") or ""), bool(body.get("ok")), method)
        return status, headers, body

    def drain(self) -> list[tuple[str, float, bool, str]]:
        with self._arrivals_lock:
            out, self.arrivals = self.arrivals, []
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fake_slack_server")
    parser.add_argument("--users", default=None, help="JSON list of {id, name, tz, locale} to know")
    parser.add_argument("--team", default="T0BENCH00")
    args = parser.parse_args(argv)
    fake = RecordingFakeSlack(team_id=args.team).start()
    if args.users:
        with open(args.users, encoding="utf-8") as f:
            for user in json.load(f):
                fake.add_user(user["id"], user["name"], tz=user["tz"], locale=user["locale"])
    print(f"READY {fake.base_url}", flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "drain":
            print(json.dumps(fake.drain()), flush=True)
        elif command == "quit":
            break
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
