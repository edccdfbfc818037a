"""A 429 on the reply to a saved form visit: the visit is stored once and the rep is told it
was saved (after waiting as Slack asks), never "nothing was saved"."""

from __future__ import annotations

from dev.driver import Driver
from storage.db import Database
from tests.visit_world import account, form_values, rep
from tests.visit_world import visits as stored_visits


def _ephemerals(driver: Driver, user: str) -> list[str]:
    return [
        str(c.params.get("text"))
        for c in driver.fake.calls
        if c.method == "chat.postEphemeral" and c.params.get("user") == user and c.status == 200
    ]


def test_a_rate_limited_reply_to_a_saved_form_visit_is_retried_not_turned_into_an_apology(
    driver: Driver, db: Database
) -> None:
    me = rep(db, driver, "U1", tz="Asia/Shanghai")
    ricoh = account(db, me, "Ricoh")
    driver.command("U1", "/visit", "", channel_id="C0000SALES")
    view = driver.last_view()
    driver.fake.fail_next("chat.postEphemeral", status=429, retry_after=1, times=2)
    driver.fake.fail_next("chat.postMessage", status=429, retry_after=1)  # the DM fallback too
    values = form_values(account=f"a:{ricoh}", channel="phone", day="2026-11-23", purpose="toner & paper prices")
    response = driver.submit("U1", view, values)
    assert response.status == 200
    assert len(stored_visits(db)) == 1
    told = _ephemerals(driver, "U1")
    assert len(told) == 1
    assert "nothing was saved" not in told[0] and "Ricoh" in told[0]
    assert [c.status for c in driver.fake.calls if c.method == "chat.postEphemeral"] == [429, 429, 200]
    assert not [m for m in driver.fake.messages if "nothing was saved" in m.text]
