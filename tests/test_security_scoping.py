"""Every read and write is scoped by workspace and by role, through every surface that exists.

Two workspaces, people in every role (`tests/security_world.py`), each owning an account, a
contact, a deal, a visit, a follow-up and a check-in marked with their name. The test then:

1. **harvests**: each owner uses the app on their own data (commands built from the help texts
   of every registered command, their App Home, every shortcut, the scheduled nudges), and
   presses what the app shows them, two levels deep, opening and submitting its modals. Every
   interaction the app offered is kept: button values, select options, modals with their
   private_metadata.
2. **attacks**: every person who may not see an owner's data (another workspace, a rep beside
   them, a manager of another team) replays each of the owner's interactions and commands as
   their own, and replays their *own* interactions with the ids inside swapped for the owner's
   ids (a deal id of another workspace in a button value, a visit id in private_metadata…).

After every attack: nothing that belongs to the owner changed (their rows, and every row that
refers to them), and nothing the attacker was shown, sent or opened contains the owner's data.
Positive control: the owner's own manager and admin replaying the same interactions do see it.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select

from dev import slack_requests as sr
from dev.driver import Driver
from runtime.app import services_of
from storage.models import Account, Base, Lead, Person
from tests.listener_catalog import listeners
from tests.security_world import (
    A_ADMIN,
    A_LONER,
    A_MANAGER,
    A_REP,
    B_ADMIN,
    B_REP,
    OWNERS,
    World,
    marker,
    served_world,
    visible_to,
)

pytestmark = pytest.mark.slow

# What an owner's data looks like in a reply (typed names are excluded per request, below).
FIELDS = ("Account", "Contact", "Deal", "notes", "purpose", "follow-up", "plan", "done", "line")
# Buttons the harvest must not press as the owner (they would change who owns what, or roles,
# or delete the owner's marked rows at any age: a deleted visit's id is reused by SQLite, so an
# attacker's new visit would look like a change to the owner's); they are still offered, so the
# attackers press them. Commands not to run as the owner: ditto.
DO_NOT_PRESS = re.compile(r"handover|role|stages|visit_delete")
FINAL = re.compile(r"undo|cancel|lost|won|done|delete")
DO_NOT_RUN = re.compile(r"\b(role|stages)\b")
COLLEAGUE = {A_ADMIN: A_LONER, A_MANAGER: A_REP, A_REP: A_MANAGER, A_LONER: A_ADMIN, B_ADMIN: B_REP, B_REP: B_ADMIN}


def secrets_of(owner: str) -> list[str]:
    return [f"{marker(owner)} {name}" for name in FIELDS]


@dataclass
class Interaction:
    """Something the app offered `owner`: a click, a modal submission, or a command line."""

    owner: str
    kind: str  # click, submit, command
    action_id: str = ""
    value: str | None = None
    option: str | None = None
    element_type: str = "button"
    view: dict[str, Any] | None = None
    values: dict[str, Any] = field(default_factory=dict)
    command: str = ""
    text: str = ""

    def key(self) -> tuple[Any, ...]:
        meta = (self.view or {}).get("private_metadata")
        return (
            self.owner,
            self.kind,
            self.action_id,
            self.value,
            self.option,
            meta,
            self.command,
            self.text,
            json.dumps(self.values, sort_keys=True),
        )


# ----- sending ----------------------------------------------------------------------------------
def send(world: World, user: str, item: Interaction) -> None:
    team = world.team_of[user]
    d = world.driver_for(user)
    if item.kind == "command":
        d.command(user, item.command, item.text)
        return
    if item.kind == "submit":
        assert item.view is not None
        d.send(
            sr.interaction_form(sr.view_submission(team_id=team, user_id=user, view=item.view, values=item.values)),
            sr.FORM,
        )
        return
    action: dict[str, Any] = {"action_id": item.action_id, "block_id": "b", "type": item.element_type}
    if item.value is not None:
        action["value"] = item.value
    if item.option is not None:
        action["selected_option"] = {"value": item.option, "text": {"type": "plain_text", "text": "x"}}
    if item.view is not None:
        payload = sr.block_actions(
            team_id=team,
            user_id=user,
            action=action,
            response_url=None,
            view=item.view,
            container={"type": "view", "view_id": item.view.get("id")},
        )
    else:
        payload = sr.block_actions(
            team_id=team,
            user_id=user,
            action=action,
            response_url=world.fake.response_url(user),
            channel_id="C0000GENERAL",
            message={"type": "message", "ts": "1700000000.000500", "text": "x", "blocks": []},
            container={
                "type": "message",
                "message_ts": "1700000000.000500",
                "channel_id": "C0000GENERAL",
                "is_ephemeral": True,
            },
        )
    d.send(sr.interaction_form(payload), sr.FORM)


# ----- what a request showed --------------------------------------------------------------------
@dataclass
class Seen:
    texts: list[str]
    views: list[dict[str, Any]]
    sources: list[tuple[dict[str, Any], dict[str, Any] | None]]  # (blocks holder, view if a modal)


def observe(world: World, user: str, run: Any) -> Seen:
    """Run `run()` and collect what `user` was shown: messages, DMs, ephemerals, modals, Home."""
    fake = world.fake
    with fake._lock:
        calls, messages = len(fake.calls), len(fake.messages)
        home_before = json.dumps(fake.home_views.get(user))
        files_before = set(fake.files)
    run()
    with fake._lock:
        new_messages = [m for m in fake.messages[messages:] if m.user == user or m.channel == fake.dm_channel(user)]
        new_calls = fake.calls[calls:]
        home = fake.home_views.get(user)
        files = [f for key, f in fake.files.items() if key not in files_before]
    views = [
        c.response["view"]
        for c in new_calls
        if c.method in ("views.open", "views.push", "views.update") and c.response.get("ok")
    ]
    texts = [m.text + json.dumps(m.blocks, ensure_ascii=False) for m in new_messages]
    texts += [json.dumps(v, ensure_ascii=False) for v in views]
    texts += [bytes(f.get("content") or b"").decode("utf-8", "replace") for f in files]  # exports
    sources: list[tuple[dict[str, Any], dict[str, Any] | None]] = [({"blocks": m.blocks}, None) for m in new_messages]
    sources += [(v, v) for v in views]
    if home is not None and json.dumps(home) != home_before:
        texts.append(json.dumps(home, ensure_ascii=False))
        sources.append((home, {**home, "id": f"VHOME{user}"}))
    return Seen(texts, views, sources)


def offered(owner: str, seen: Seen) -> list[Interaction]:
    """Every interaction in what `owner` was shown."""
    found: list[Interaction] = []
    for holder, view in seen.sources:
        for block in holder.get("blocks") or []:
            elements = list(block.get("elements") or [])
            for key in ("accessory", "element"):
                if isinstance(block.get(key), dict):
                    elements.append(block[key])
            for element in elements:
                action_id = element.get("action_id")
                if not action_id or (block.get("type") == "input" and not block.get("dispatch_action")):
                    continue
                kind = element.get("type", "button")
                if kind == "button":
                    found.append(Interaction(owner, "click", action_id, value=element.get("value"), view=view))
                for option in element.get("options") or []:
                    found.append(
                        Interaction(owner, "click", action_id, option=option.get("value"), element_type=kind, view=view)
                    )
    for view in seen.views:
        if view.get("callback_id") and view.get("type") == "modal":
            found.append(Interaction(owner, "submit", view=view, values=initial_values(view)))
    return found


def initial_values(view: dict[str, Any]) -> dict[str, Any]:
    """A submission of `view` as the user would make it without typing: initial values, the
    first option of required selects, "ok" in required text fields."""
    values: dict[str, Any] = {}
    for block in view.get("blocks") or []:
        element = block.get("element") if block.get("type") == "input" else None
        if not element or not block.get("block_id"):
            continue
        kind, required = element.get("type"), not block.get("optional")
        value: dict[str, Any] = {"type": kind}
        options = element.get("options") or [
            o for g in element.get("option_groups") or [] for o in g.get("options", [])
        ]
        if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
            value["value"] = element.get("initial_value") or ("ok" if required else None)
            if kind == "number_input" and value["value"] == "ok":
                value["value"] = "1"
        elif kind in ("static_select", "external_select", "radio_buttons"):
            chosen = element.get("initial_option") or (options[0] if options and required else None)
            value["selected_option"] = chosen
        elif kind in ("multi_static_select", "multi_external_select", "checkboxes"):
            value["selected_options"] = element.get("initial_options") or []
        elif kind == "datepicker":
            value["selected_date"] = element.get("initial_date") or "2026-11-24"
        elif kind == "timepicker":
            value["selected_time"] = element.get("initial_time") or "09:00"
        elif kind in ("users_select",):
            value["selected_user"] = element.get("initial_user")
        else:
            continue
        values[block["block_id"]] = {element.get("action_id") or "a": value}
    return values


# ----- harvest ----------------------------------------------------------------------------------
def command_lines(world: World, owner: str) -> list[tuple[str, str]]:
    """Each registered command's documented examples, with the owner's names put in."""
    m = marker(owner)
    lines: list[tuple[str, str]] = []
    d = world.driver_for(owner)
    commands = sorted({str(x.constraint) for x in listeners(world.driver.app) if x.kind == "command"})
    for command in commands:
        seen = observe(world, owner, lambda c=command: d.command(owner, c, "help"))
        for text in seen.texts:
            for example in re.findall(rf"`{re.escape(command)}\s*([^`]*)`", text):
                example = re.sub(r"\bRicoh\b|\bAcme\b|理光", f"{m} Account", example)
                example = re.sub(r'"[^"]+"|\bcopiers\b', f"{m} Deal", example)
                example = example.replace("@rep", f"<@{owner}>").replace("@user", f"<@{owner}>")
                example = example.replace("@from", f"<@{COLLEAGUE[owner]}>").replace("@to", f"<@{owner}>")
                if DO_NOT_RUN.search(example) or "[" in example:
                    continue
                for variant in alternatives(example):
                    lines.append((command, variant.strip()))
    lines += [
        ("/deal", f"{m} Account {m} Deal"),
        ("/visit", f"{m} Account with {m} Contact: demo; next: call tomorrow 10am"),
    ]
    return sorted(set(lines))


def alternatives(example: str) -> list[str]:
    """`export visits|deals` is two examples: `export visits` and `export deals`."""
    choice = re.search(r"(?<![<\w])([\w-]+(?:\|[\w-]+)+)", example)
    if choice is None:
        return [example]
    return [v for word in choice.group(1).split("|") for v in alternatives(example.replace(choice.group(1), word, 1))]


def scheduled_messages(world: World) -> dict[str, list[Interaction]]:
    """What the scheduler sends each owner (nudges about their overdue follow-up, cooling
    contacts, check-in prompts…): every job run once, as of the world's clock."""
    from scheduler.service import run_due_jobs

    services = services_of(world.driver.app)
    fake = world.fake
    with fake._lock:
        start = len(fake.messages)
    run_due_jobs(services, world.driver.app.client, services.clock.now())
    with fake._lock:
        messages = fake.messages[start:]
    found: dict[str, list[Interaction]] = {}
    for owner in OWNERS:
        mine = [({"blocks": m.blocks}, None) for m in messages if m.channel == fake.dm_channel(owner)]
        found[owner] = offered(owner, Seen(texts=[], views=[], sources=mine))
    assert any(found.values()), "the scheduler sent nobody anything to press"
    return found


def harvest(world: World) -> dict[str, list[Interaction]]:
    per_owner: dict[str, list[Interaction]] = {}
    scheduled = scheduled_messages(world)
    for owner in OWNERS:
        d = world.driver_for(owner)
        items: dict[tuple[Any, ...], Interaction] = {}
        frontier: list[Interaction] = []

        def keep(found: list[Interaction], frontier: list[Interaction] = frontier, items: dict = items) -> None:
            for item in found:
                if item.key() not in items:
                    items[item.key()] = item
                    frontier.append(item)

        for command, text in command_lines(world, owner):
            item = Interaction(owner, "command", command=command, text=text)
            items[item.key()] = item
            keep(offered(owner, observe(world, owner, lambda c=command, t=text, d=d, o=owner: d.command(o, c, t))))
        keep(offered(owner, observe(world, owner, lambda d=d, o=owner: d.open_home(o))))
        for listener in listeners(world.driver.app):
            if listener.kind == "shortcut":
                for name in listener.sample_ids():
                    keep(offered(owner, observe(world, owner, lambda n=name, d=d, o=owner: d.shortcut(o, n))))
        keep(scheduled.get(owner, []))
        for _depth in range(3):
            batch, frontier[:] = list(frontier), []
            batch.sort(key=lambda i: bool(FINAL.search(i.action_id)))  # undo the visit after its other buttons
            for item in batch:
                if item.kind == "click" and DO_NOT_PRESS.search(item.action_id):
                    continue
                keep(offered(owner, observe(world, owner, lambda i=item, o=owner: send(world, o, i))))
        per_owner[owner] = list(items.values())
    return per_owner


# ----- the owner's footprint --------------------------------------------------------------------
OWNED = {
    "accounts": "account",
    "contacts": "contact",
    "deals": "deal",
    "visits": "visit",
    "follow_ups": "follow_up",
    "checkins": "checkin",
}


def handed_over(world: World, attacker: str, after_id: int) -> dict[str, set[int]]:
    """Leads the attacker gave in since `after_id`, and the contacts made for them.

    Issue 17 asks for this on purpose: a lead for a company that already exists is attached to
    it (never a duplicate account) and goes to the rep who owns it, whoever typed it. Adding
    such a lead (and its person) is a hand-over to the owner, not a change of their data; any
    other change to their leads (closing, dropping, reassigning one) still counts."""
    with world.db.transaction() as session:
        rows = session.execute(
            select(Lead.id, Lead.contact_id).where(Lead.id > after_id, Lead.created_by_id == world.person_of[attacker])
        ).all()
    return {"leads": {r[0] for r in rows}, "contacts": {r[1] for r in rows if r[1] is not None}}


def last_lead_id(world: World) -> int:
    with world.db.transaction() as session:
        return int(session.scalar(select(func.max(Lead.id))) or 0)


# Who owns a row of an owned table (contacts: through their account).
OWNER_COLUMN = {
    "accounts": "owner_id",
    "deals": "owner_id",
    "visits": "rep_id",
    "follow_ups": "owner_id",
    "checkins": "person_id",
}


def _live_ids(session: Any, world: World, owner: str) -> dict[str, list[int]]:
    """The owner's marked ids that still are the owner's rows. A row deleted by someone allowed
    to (a manager deleting a rep's visit) can have its id reused by SQLite for another person's
    new row, which is then not the owner's; taking an owner's row away still shows (it leaves)."""
    ids, person = world.ids[owner], world.person_of[owner]
    live: dict[str, list[int]] = {}
    for name in ("accounts", "deals", "visits", "follow_ups", "checkins"):
        table = Base.metadata.tables[name]
        found = session.execute(
            select(table.c.id).where(table.c.id.in_(ids[OWNED[name]]), table.c[OWNER_COLUMN[name]] == person)
        )
        live[OWNED[name]] = [row[0] for row in found]
    contacts = Base.metadata.tables["contacts"]
    found = session.execute(
        select(contacts.c.id).where(contacts.c.id.in_(ids["contact"]), contacts.c.account_id.in_(live["account"]))
    )
    live["contact"] = [row[0] for row in found]
    return live


def footprint(world: World, owner: str, skip: dict[str, set[int]] | None = None) -> dict[str, set[str]]:
    """The owner's rows and every row that refers to one of them or to the owner, by table
    (without the rows `skip` names, by table and id)."""
    person = world.person_of[owner]
    result: dict[str, set[str]] = {}
    with world.db.transaction() as session:
        ids = _live_ids(session, world, owner)
        for table in Base.metadata.sorted_tables:
            clauses = []
            if table.name in OWNED:
                clauses.append(table.c.id.in_(ids[OWNED[table.name]]))
            for fk in table.foreign_keys:
                target = fk.column.table.name
                if target in OWNED:
                    clauses.append(fk.parent.in_(ids[OWNED[target]]))
                elif target == "people" and table.name != "people":
                    clauses.append(fk.parent == person)
            if table.name == "people":
                clauses.append(table.c.id == person)
            if not clauses:
                continue
            from sqlalchemy import or_

            query = select(table).where(or_(*clauses))
            if skip and skip.get(table.name):
                query = query.where(table.c.id.not_in(sorted(skip[table.name])))
            rows = session.execute(query).all()
            result[table.name] = {repr(tuple(row)) for row in rows}
    return result


def leaks(owner: str, seen: Seen, sent: str) -> list[str]:
    shown = "\n".join(seen.texts)
    return [s for s in secrets_of(owner) if s in shown and s not in sent]


# ----- the test ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(database_url: str) -> Iterator[World]:
    with served_world(database_url) as built:
        yield built


def attackers_of(owner: str) -> list[str]:
    return [x for x in OWNERS if x != owner and owner not in visible_to(x)]


# Who attacks whom: every role against a rep beside them, a manager of another team, and each
# role of the other workspace (and back). Each pair is one that must be refused.
PAIRS = (
    (A_REP, A_LONER),  # a rep reads or changes another rep's data
    (A_LONER, A_MANAGER),  # a manager reaches outside their team
    (A_MANAGER, A_REP),  # a rep reaches their own manager's data
    (A_ADMIN, A_REP),  # a rep reaches the admin's data
    (A_REP, B_ADMIN),  # another workspace's admin
    (A_ADMIN, B_REP),  # another workspace's rep
    (B_REP, A_ADMIN),  # and back: this workspace's admin into the other
    (B_ADMIN, A_REP),
)


def forged(item: Interaction, owner: str, victim: str, world: World) -> list[Interaction]:
    """`item` (one of `owner`'s own) with each id of the owner's swapped for the victim's id of
    the same kind, in button values, options, private_metadata and form values."""
    mapping: dict[str, list[str]] = {}
    for kind, ids in world.ids[owner].items():
        for mine, theirs in zip(ids, world.ids[victim][kind], strict=True):
            mapping.setdefault(str(mine), []).append(str(theirs))
    mapping.setdefault(str(world.person_of[owner]), []).append(str(world.person_of[victim]))
    raw = json.dumps(
        {
            "value": item.value,
            "option": item.option,
            "meta": (item.view or {}).get("private_metadata"),
            "values": item.values,
            "text": item.text,
        }
    )
    variants = []
    tokens = [t for t in set(re.findall(r"(?<![\w.])\d+(?![\w.])", raw)) if t in mapping]
    for token in tokens:
        for replacement in mapping[token]:
            swapped = json.loads(re.sub(rf"(?<![\w.]){token}(?![\w.])", replacement, raw))
            view = {**item.view, "private_metadata": swapped["meta"]} if item.view else None
            variants.append(
                Interaction(
                    owner,
                    item.kind,
                    item.action_id,
                    value=swapped["value"],
                    option=swapped["option"],
                    element_type=item.element_type,
                    view=view,
                    values=swapped["values"],
                    command=item.command,
                    text=swapped["text"],
                )
            )
    return variants


def disguised(item: Interaction, owner: str, attacker: str) -> Interaction:
    """`item` with the owner's names renamed (COPY<attacker>): rows the attacker creates from a
    replayed line are then their own, and only the owner's real rows still carry the marker."""
    raw = json.dumps(
        {"value": item.value, "option": item.option, "view": item.view, "values": item.values, "text": item.text}
    )
    raw = raw.replace(marker(owner), f"COPY{attacker}")
    data = json.loads(raw)
    return Interaction(
        item.owner,
        item.kind,
        item.action_id,
        value=data["value"],
        option=data["option"],
        element_type=item.element_type,
        view=data["view"],
        values=data["values"],
        command=item.command,
        text=data["text"],
    )


def sample(items: list[Interaction], per_surface: int = 3) -> list[Interaction]:
    """At most a few interactions per surface (the same button on ten messages adds nothing)."""
    count: dict[tuple[str, str], int] = {}
    kept = []
    for item in items:
        surface = (item.kind, item.action_id or item.command or str((item.view or {}).get("callback_id")))
        if count.get(surface, 0) < per_surface:
            count[surface] = count.get(surface, 0) + 1
            kept.append(item)
    return kept


@pytest.mark.timeout(600)  # hundreds of signed requests: over 300 s under faketime on a loaded two-core machine
def test_nobody_reads_or_changes_what_they_may_not_through_any_surface(world: World) -> None:
    started = time.monotonic()
    offered_to = harvest(world)
    harvested = time.monotonic() - started
    assert sum(len(v) for v in offered_to.values()) > 20, "the harvest found almost nothing to replay"
    kinds = {
        (i.kind, i.action_id or i.command or (i.view or {}).get("callback_id")) for v in offered_to.values() for i in v
    }
    problems: list[str] = []
    attacks = 0
    for owner, attacker in PAIRS:
        assert attacker in attackers_of(owner)
        replays = [(disguised(i, owner, attacker), i) for i in sample(offered_to[owner], 2)]
        replays += [(f, i) for i in sample(offered_to[attacker], 1) for f in forged(i, attacker, owner, world)[:3]]
        for attack, origin in replays:
            before = footprint(world, owner)
            leads_before = last_lead_id(world)
            sent = json.dumps(
                [
                    attack.value,
                    attack.option,
                    (attack.view or {}).get("private_metadata"),
                    attack.values,
                    attack.text,
                ],
                ensure_ascii=False,
            )
            seen = observe(world, attacker, lambda a=attack, x=attacker: send(world, x, a))
            attacks += 1
            what = f"{attacker} replaying {owner}'s {attack.kind} {attack.action_id or attack.command} {attack.text}"
            after = footprint(world, owner, handed_over(world, attacker, leads_before))
            changed = [t for t in before if before[t] != after[t]]
            if changed:
                problems.append(f"{what}: changed {owner}'s {changed} (from {origin.owner}'s {origin.kind})")
            if leaked := leaks(owner, seen, sent):
                problems.append(f"{what}: showed {leaked}")
    print(f"security: harvest {harvested:.0f}s, {attacks} attacks on {len(kinds)} surfaces: {sorted(map(str, kinds))}")
    # Search boxes (external selects): typing the owner's name finds nothing of theirs.
    for owner, attacker in PAIRS:
        with world.db.transaction() as session:
            owned = set(session.scalars(select(Account.id).where(Account.owner_id == world.person_of[owner])))
        for listener in listeners(world.driver.app):
            if listener.kind != "options":
                continue
            for name in listener.sample_ids():
                view = world.views.get("visit_form") or {"id": "V0000SEARCH", "type": "modal"}
                response = world.driver_for(attacker).suggest(attacker, view, "b", name, marker(owner))
                world.driver.wait_idle()
                attacks += 1
                found = [x for x in secrets_of(owner) if x in (response.body or "")]
                found += [f"account {i}" for i in re.findall(r'"a:(\d+)"', response.body or "") if int(i) in owned]
                if found:
                    problems.append(f"{attacker} searching {name} for {marker(owner)}: offered {found}")
    assert not problems, "\n".join(problems[:40])
    searches = [x for x in listeners(world.driver.app) if x.kind == "options"]
    if searches:  # positive control: the owner's own search does find their account
        view = world.views.get("visit_form") or {"id": "V0000SEARCH", "type": "modal"}
        own = [
            world.driver_for(A_REP).suggest(A_REP, view, "b", n, marker(A_REP)).body
            for x in searches
            for n in x.sample_ids()
        ]
        world.driver.wait_idle()
        assert any(marker(A_REP) in (body or "") for body in own), own
    assert attacks > 50
    registered = listeners(world.driver.app)
    reached = {name for _, name in kinds}
    untried = sorted({x.label for x in registered if not reached & set(x.sample_ids())})
    print(f"security: registered listeners no owner was offered (not attacked): {untried}")
    direct = [x.label for x in registered if x.kind in ("command",) and not reached & set(x.sample_ids())]
    assert not direct, f"commands anyone can type were not attacked: {direct}"
    assert not problems, "\n".join(problems[:40])

    # Positive control: the same replays by someone who may see the owner's data do show it,
    # so the attacks above reached the real handlers.
    shown = 0
    for owner, viewer in ((A_REP, A_MANAGER), (A_LONER, A_ADMIN), (B_REP, B_ADMIN)):
        for item in sample(offered_to[owner], 1):
            if item.kind == "command" and item.command == "/pipeline":
                continue
            sent = json.dumps([item.value, item.text], ensure_ascii=False)
            seen = observe(world, viewer, lambda i=item, v=viewer: send(world, v, i))
            shown += bool(leaks(owner, seen, sent))
    assert shown > 0, f"no replay by a manager or admin showed the owner's data; surfaces: {sorted(kinds)[:20]}"


def test_roles_are_what_the_world_says(world: World) -> None:
    with world.db.transaction() as session:
        roles = {p.slack_user_id: (p.team_id, p.role) for p in session.scalars(select(Person))}
    assert roles[A_ADMIN][1] == "admin" and roles[A_MANAGER][1] == "manager" and roles[A_REP][1] == "rep"
    assert roles[B_ADMIN] == ("T0000OTHER", "admin") and roles[B_REP] == ("T0000OTHER", "rep")
    assert {x for x in OWNERS if A_LONER in visible_to(x)} == {A_LONER, A_ADMIN}
    assert list(itertools.chain.from_iterable(attackers_of(o) for o in (A_REP,))) == [A_LONER, B_ADMIN, B_REP]
    _ = Driver  # the driver is what sends every request above
