"""Publishing a person's App Home: on `app_home_opened`, on the view switch, and after changes.

Other handlers call `publish_home(client, services, actor)` after the user changed something
(a deal moved, a visit logged, a check-in answered) so the tab is current the next time they
look; a change made from the tab itself (a "My visits" row's Edit or Delete) takes the tab's
state with `shown_from` and re-publishes it as it was with `refresh_home`, so the tab never goes
on listing what was just deleted. A failure here is logged and swallowed: the change itself has
been saved, and telling the user otherwise would be wrong.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.analytics.home import Mode, home_view, read_home_state
from bot.core.actor import Actor
from bot.core.services import Services
from handlers import payloads as p

log = logging.getLogger("handlers.home")


def publish_home(
    client: WebClient, services: Services, actor: Actor, mode: Mode | None = None, visits_offset: int = 0
) -> bool:
    """Render and publish `actor`'s home tab (`mode` "team" for a manager's team view; None:
    the view the tab opens on, `bot.analytics.home.default_mode`; `visits_offset`: the page of
    "My visits" shown).
    True when Slack accepted it."""
    try:
        view = home_view(services.db, actor, services.clock.now(), mode, visits_offset)
        client.views_publish(user_id=actor.user_id, view=view)
        return True
    except Exception:
        log.exception("publishing the home tab of %s failed", actor.user_id)
        return False


def shown_from(payload: p.SlackModel) -> str | None:
    """The Home tab's state (`bot.analytics.home.home_state`) when `payload` is a button
    pressed in the Home tab; None for one anywhere else (a message, a modal)."""
    view = getattr(payload, "view", None)
    if isinstance(view, p.View) and view.type == "home":
        return view.private_metadata or ""
    return None


def refresh_home(client: WebClient, services: Services, actor: Actor, shown: str | None) -> None:
    """Re-publish `actor`'s Home tab in the mode and at the "My visits" page it `shown` (from
    `shown_from`) after a change made from it; nothing when the change came from elsewhere."""
    if shown is None:
        return
    mode, offset = read_home_state(shown)
    publish_home(client, services, actor, mode, offset)
