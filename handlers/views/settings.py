"""Submissions of the settings modals: the section picker swaps itself for the section's
modal; a section's errors are shown under its fields (nothing saved); a valid one is saved
and the changes are answered where `/coach settings` was typed."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core.access import AccessError
from bot.core.i18n import lang_for, t
from bot.people.members import load_actor
from bot.settings import ops, render
from bot.settings import team as team_settings
from bot.settings.fields import SECTIONS
from bot.ui.reply import echo_reply
from handlers._support import ids_of, services
from handlers.commands.deal import reply_after_modal
from handlers.listener import Request, listener, parse_json

log = logging.getLogger("handlers.settings")


def _view(body: dict[str, Any]) -> dict[str, Any]:
    return body.get("view") or {}


def _values(body: dict[str, Any]) -> dict[str, Any]:
    return (_view(body).get("state") or {}).get("values") or {}


def on_pick(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    """Replace the picker with the chosen section (database only before the ack: no Slack call).
    The answer is the ack itself, so any failure is shown in the form, never as a 500."""
    try:
        _pick(ack, body, client, context)
    except Exception:
        log.exception("settings section could not be opened")
        ack(response_action="errors", errors={"section": t("en", "common.error")})


def _pick(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    svc = services(context)
    meta = parse_json(_view(body).get("private_metadata"))
    picked = ((_values(body).get("section") or {}).get("pick") or {}).get("selected_option") or {}
    section = str(picked.get("value") or "")
    if section not in SECTIONS:
        ack(response_action="errors", errors={"section": t(lang_for(meta.get("l")), "settings.pick_label")})
        return
    team_id, user_id = ids_of(body)
    try:
        actor, _ = load_actor(svc.db, team_id, user_id, svc.clock.now())
        config = ops.read_config(svc.db, actor)
    except AccessError as exc:
        ack()
        reply_after_modal(Request(body, client, context, None, actor), echo_reply(actor.lang, exc.message_key, None))
        return
    ack(response_action="update", view=render.section_modal(actor.lang, section, config, meta.get("ru")))


def _texts(body: dict[str, Any]) -> dict[str, str]:
    section = str(parse_json(_view(body).get("private_metadata")).get("s") or "")
    return render.form_texts(section, _values(body)) if section in SECTIONS else {}


def _typed(body: dict[str, Any]) -> str:
    """What the admin typed, given back if it cannot be saved."""
    return "\n".join(f"{key}: {text}" for key, text in _texts(body).items())


def on_section(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    """Validate against the stored settings (before the ack: the errors go under the fields,
    nothing saved); a valid form is saved by `_save_section`."""
    svc = services(context)
    meta = parse_json(_view(body).get("private_metadata"))
    team_id, _ = ids_of(body)
    with svc.db.transaction() as session:
        config = ops.current_config(session, team_id)
    _, errors = ops.read_form(_texts(body), config)
    if errors:
        ack(response_action="errors", errors=render.field_errors(lang_for(meta.get("l")), errors))
        return
    _save_section(ack, body, client, context, None)


@listener(_typed)
def _save_section(req: Request) -> None:
    try:
        changes = ops.do_update_settings(req.svc.db, req.actor, _texts(req.body), req.now)
    except ops.InvalidSettings:  # changed by someone else meanwhile: give the text back
        reply_after_modal(req, echo_reply(req.lang, "common.error", _typed(req.body)))
        return
    reply_after_modal(req, render.saved_reply(req.lang, changes))


def _team_texts(body: dict[str, Any]) -> dict[str, str]:
    return render.team_form_texts(_values(body))


def _team_typed(body: dict[str, Any]) -> str:
    return "\n".join(f"{key}: {text}" for key, text in _team_texts(body).items())


def on_team(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    """A team's digest settings: errors under the fields (nothing saved), else saved."""
    meta = parse_json(_view(body).get("private_metadata"))
    with services(context).db.transaction() as session:
        errors = team_settings.check_texts(session, ids_of(body)[0], _team_texts(body))
    if errors:
        ack(response_action="errors", errors=render.field_errors(lang_for(meta.get("l")), errors))
        return
    _save_team(ack, body, client, context, None)


@listener(_team_typed)
def _save_team(req: Request) -> None:
    manager = str(parse_json(_view(req.body).get("private_metadata")).get("m") or "") or None
    try:  # the permission is checked again here, from the stored roles (never the payload's)
        changes = team_settings.do_update_team_settings(req.svc.db, req.actor, manager, _team_texts(req.body), req.now)
    except ops.InvalidSettings:
        reply_after_modal(req, echo_reply(req.lang, "common.error", _team_typed(req.body)))
        return
    reply_after_modal(req, render.saved_reply(req.lang, changes))


def register(app: App) -> None:
    app.view(render.PICK_CALLBACK)(on_pick)
    app.view(render.SECTION_CALLBACK)(on_section)
    app.view(render.TEAM_CALLBACK)(on_team)
