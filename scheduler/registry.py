"""The jobs, by the names `pipeline-coach jobs run NAME` accepts.

A job is a sweep: every `interval` it selects, with set-based SQL, what is due now in each
person's own time zone, and hands the messages to the sender. Job modules add themselves with
`@job(...)`; `load_jobs()` imports them all.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.services import Services


@dataclass
class JobContext:
    """What a sweep gets: the services, the sender (Slack I/O) and the instant it runs for."""

    services: Services
    sender: Any
    at: datetime


@dataclass(frozen=True)
class Job:
    name: str
    interval: timedelta
    sweep: Callable[[JobContext], int]
    description: str = ""


JOBS: dict[str, Job] = {}


def job(
    name: str, *, minutes: float, description: str = ""
) -> Callable[[Callable[[JobContext], int]], Callable[[JobContext], int]]:
    def decorate(fn: Callable[[JobContext], int]) -> Callable[[JobContext], int]:
        JOBS[name] = Job(name=name, interval=timedelta(minutes=minutes), sweep=fn, description=description)
        return fn

    return decorate


def load_jobs() -> dict[str, Job]:
    import scheduler.jobs as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"scheduler.jobs.{info.name}")
    return JOBS
