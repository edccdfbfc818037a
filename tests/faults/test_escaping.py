"""User text never becomes a Slack control sequence: `<!here>` typed into a command must not
notify a channel, `<@U1>` must not mention anyone, in any text field of any message the bot
sends (top-level fallback `text`, which Slack also renders as mrkdwn, and mrkdwn in blocks)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from dev.driver import Driver
from storage.db import Database
from tests.visit_world import account, rep

HOSTILE = "<!here> & <@U1>"
# The typed sequences, live: a channel-wide notification and a mention of U1 (the bot's own
# mentions, like the deal owner's <@U2>, are meant).
RAW_CONTROL = re.compile(r"<!here>|<@U1>")


def _mrkdwn_texts(node: Any, *, plain: bool = False) -> list[str]:
    """Every string Slack renders as mrkdwn in a payload (plain_text objects are shown verbatim)."""
    found: list[str] = []
    if isinstance(node, dict):
        is_plain = node.get("type") == "plain_text"
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                if not (is_plain or plain):
                    found.append(value)
            else:
                found.extend(_mrkdwn_texts(value, plain=plain))
    elif isinstance(node, list):
        for item in node:
            found.extend(_mrkdwn_texts(item, plain=plain))
    return found


def _sent_texts(driver: Driver) -> list[tuple[str, str]]:
    """(where, text) for every mrkdwn text the fake Slack received: Web API calls and
    response_url posts; views only through their mrkdwn parts."""
    out: list[tuple[str, str]] = []
    for call in driver.fake.calls:
        for text in _mrkdwn_texts(
            {k: v for k, v in call.params.items() if k in ("text", "blocks", "view", "attachments")}
        ):
            out.append((call.method, text))
    for body in driver.fake.responses:
        for text in _mrkdwn_texts({k: v for k, v in body.items() if k in ("text", "blocks")}):
            out.append(("response_url", text))
    return out


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/visit", HOSTILE),  # nothing a visit needs: the echo of what was typed
        ("/visit", f"met {HOSTILE} at Ricoh today"),
        ("/visit", f"met Kowalski at Ricoh today, notes {HOSTILE}"),
        ("/visit", f"Ricoh {HOSTILE}"),
        ("/deal", HOSTILE),
        ("/deal", f"new {HOSTILE} 50k"),
        ("/deal", f"new Ricoh {HOSTILE} 50k"),
        ("/coach", HOSTILE),
        ("/coach", f"why {HOSTILE}"),
    ],
)
def test_user_text_is_escaped_in_every_field_the_bot_sends(
    driver: Driver, db: Database, command: str, text: str
) -> None:
    owner = rep(db, driver, "U2")
    account(db, owner, "Ricoh")
    driver.command("U2", command, text)
    driver.wait_idle()
    sent = _sent_texts(driver)
    assert sent, "the bot answered nothing"
    smuggled = [(where, t) for where, t in sent if RAW_CONTROL.search(t)]
    assert smuggled == []
    # "&" from the user arrives as &amp; wherever the user's text is repeated.
    for where, t in sent:
        assert " & " not in t, (where, t)
