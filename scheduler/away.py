"""Asking Slack whether people are away (do-not-disturb, an away status) before a sweep sends
them their scheduled message; the decision and the cache are `bot.people.away`'s.

A look-up that fails (a workspace that has not granted `dnd:read` or `users.profile:read` yet,
a rate limit) counts as "not away": a message is never lost to a missing scope.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.services import Services
from bot.people.away import away_from_signals, cached_away, record_away
from bot.people.members import workspace_config

log = logging.getLogger("scheduler.away")


def _dnd(client: WebClient, user_id: str) -> dict | None:
    try:
        data = client.dnd_info(user=user_id).data
        return dict(data) if isinstance(data, dict) else None  # a JSON object; bytes only for files
    except SlackApiError as exc:
        log.info("dnd.info failed for %s: %s", user_id, exc.response.get("error"))
        return None


def _profile(client: WebClient, user_id: str) -> dict | None:
    try:
        profile = client.users_profile_get(user=user_id).get("profile")
    except SlackApiError as exc:
        log.info("users.profile.get failed for %s: %s", user_id, exc.response.get("error"))
        return None
    return profile if isinstance(profile, dict) else None


def away_recipients(services: Services, client: WebClient, team_id: str, user_ids: list[str], at: datetime) -> set[str]:
    """Those of `user_ids` whom Slack shows as away at `at` (cached briefly per person)."""
    if not user_ids:
        return set()
    with services.db.transaction() as session:
        known = cached_away(session, team_id, user_ids, at)
        words = workspace_config(session, team_id).away_status_words
    answers: dict[str, tuple[str | None, str | None]] = {}
    for user_id in user_ids:
        if user_id in known:
            continue
        answers[user_id] = away_from_signals(_dnd(client, user_id), _profile(client, user_id), at, words)
    if answers:
        with services.db.transaction() as session:
            for user_id, (reason, detail) in answers.items():
                record_away(session, team_id, user_id, reason, detail, at)
    away = {u for u, reason in known.items() if reason}
    return away | {u for u, (reason, _) in answers.items() if reason}
