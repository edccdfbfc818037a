"""The baseline for latency benchmarks: a Bolt app that only acks slash commands.

Served by the same server code as `pipeline-coach serve` (`runtime.server.run_server`: gunicorn,
threaded workers, the same options), with the same Bolt settings (signature verification,
process_before_response off), so the difference in latency is what our app does before and
around its ack.

    SLACK_SIGNING_SECRET=… SLACK_API_URL=… python -m bench.hello_app --port 3100
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from runtime.server import run_server


def make_wsgi_app(signing_secret: str, api_url: str, token: str = "xoxb-hello") -> Callable[..., Iterable[bytes]]:
    app = App(
        signing_secret=signing_secret,
        client=WebClient(token=token, base_url=api_url, timeout=10),
        token_verification_enabled=False,
        process_before_response=False,
    )

    @app.command(re.compile(".*"))
    def hello(ack: Ack) -> None:
        ack()

    bolt = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") in ("/healthz", "/health"):
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "11")])
            return [b'{"ok":true}']
        return bolt(environ, start_response)

    return wsgi


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hello_app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3100)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    secret = os.environ["SLACK_SIGNING_SECRET"]
    api_url = os.environ.get("SLACK_API_URL", "https://slack.com/api/")
    run_server(
        lambda: make_wsgi_app(secret, api_url),
        host=args.host,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
