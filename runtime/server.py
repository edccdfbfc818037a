"""`pipeline-coach serve`: the WSGI app under gunicorn (threaded workers), not Bolt's dev server."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger as GunicornLogger

log = logging.getLogger(__name__)


class RootLogger(GunicornLogger):
    """gunicorn's own messages go through the root handler (JSON with LOG_FORMAT=json)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in list(self.error_log.handlers):
            self.error_log.removeHandler(handler)
        self.error_log.propagate = True


class GunicornServer(BaseApplication):
    def __init__(self, factory: Callable[[], Any], options: dict[str, Any]) -> None:
        self._factory = factory
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self._factory()


def run_server(
    factory: Callable[[], Any],
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    on_worker_start: Callable[[], None] | None = None,
    on_worker_exit: Callable[[], None] | None = None,
    switch_interval: float | None = None,
) -> None:
    """Serve `factory()`'s WSGI app; each worker builds its own app (and DB pool) after fork.

    On SIGTERM gunicorn stops accepting, lets in-flight requests finish, then calls
    `on_worker_exit` in the worker (which drains acknowledged listener work and stops the
    scheduler, releasing its lock) within `graceful_timeout`.

    `switch_interval`: how often a thread holding the interpreter lock hands it over (Python's
    default is 5 ms). `serve` asks for 1 ms when listener work runs in the serving process, so
    an ack waits less behind that CPU-bound work; with worker processes the default is better.
    """
    if switch_interval is not None:
        sys.setswitchinterval(switch_interval)
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 30,
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "logger_class": RootLogger,
        "preload_app": False,
    }
    if on_worker_start:
        options["post_worker_init"] = lambda _worker: on_worker_start()
    if on_worker_exit:
        options["worker_exit"] = lambda _server, _worker: on_worker_exit()
    GunicornServer(factory, options).run()
