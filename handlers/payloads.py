"""The shape of what Slack sends, checked at the handler boundary before any listener runs.

A request body is signed by Slack, but its values are still typed by people (command text,
input fields, search strings) or chosen by other apps, so they are treated as untrusted: every
field a listener reads has a type and a length limit here (Slack's own limits, from
`bot.ui.blockkit`, where Slack documents one). `payload_problem` names the first field that does
not fit; the middleware in `handlers/middleware.py` then answers a slash command with a clear
message and ignores anything else, before a listener or the database sees it.

Listeners may also parse a body into these models to read typed fields (`CommandPayload`,
`BlockActionsPayload`, `ViewSubmissionPayload`, …). Models allow extra fields: Slack adds
fields over time and a new one must not break us.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.ui import blockkit as limits

# Slack ids (T…, U…, W…, C…, D…, G…, V…, E…, B…): letters and digits only, so an id can be
# put into mrkdwn (`<@U123>`) or a query without escaping.
SlackId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{1,40}$")]
ShortText = Annotated[str, Field(max_length=255)]
Url = Annotated[str, StringConstraints(max_length=1000, pattern=r"^https?://")]

MAX_COMMAND_TEXT = 12_000  # far above what anyone types; keeps one request's work bounded
MAX_EVENT_TEXT = limits.MAX_MESSAGE_TEXT
MAX_SEARCH_TEXT = 1_000


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


SlackModel = _Model  # what `handlers.listener.Request.payload` is: one of the models below


class Team(_Model):
    id: SlackId
    domain: ShortText | None = None


class User(_Model):
    id: SlackId
    team_id: SlackId | None = None
    name: ShortText | None = None
    username: ShortText | None = None


class Channel(_Model):
    id: SlackId
    name: ShortText | None = None


class Option(_Model):
    value: Annotated[str, Field(max_length=limits.MAX_OPTION_VALUE)]
    text: dict[str, Any] | None = None


class InputValue(_Model):
    """One element's state in `view.state.values[block_id][action_id]`."""

    type: ShortText
    value: Annotated[str, Field(max_length=limits.MAX_INPUT_LENGTH)] | None = None
    selected_option: Option | None = None
    selected_options: Annotated[list[Option], Field(max_length=limits.MAX_OPTIONS)] | None = None
    selected_date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None
    selected_time: Annotated[str, StringConstraints(pattern=r"^\d{2}:\d{2}$")] | None = None
    selected_user: SlackId | None = None
    selected_users: Annotated[list[SlackId], Field(max_length=limits.MAX_OPTIONS)] | None = None
    selected_channel: SlackId | None = None
    selected_conversation: SlackId | None = None


StateValues = dict[ShortText, dict[ShortText, InputValue]]


class ViewState(_Model):
    values: StateValues = Field(default_factory=dict)


class View(_Model):
    id: SlackId
    type: ShortText | None = None
    callback_id: Annotated[str, Field(max_length=limits.MAX_CALLBACK_ID)] | None = None
    private_metadata: Annotated[str, Field(max_length=limits.MAX_PRIVATE_METADATA)] | None = None
    hash: ShortText | None = None
    state: ViewState | None = None
    root_view_id: SlackId | None = None
    previous_view_id: SlackId | None = None


class Action(_Model):
    action_id: Annotated[str, Field(max_length=limits.MAX_ACTION_ID)]
    block_id: Annotated[str, Field(max_length=limits.MAX_BLOCK_ID)] | None = None
    type: ShortText | None = None
    value: Annotated[str, Field(max_length=limits.MAX_BUTTON_VALUE)] | None = None
    selected_option: Option | None = None
    selected_options: Annotated[list[Option], Field(max_length=limits.MAX_OPTIONS)] | None = None
    selected_date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None
    selected_user: SlackId | None = None


class Container(_Model):
    type: ShortText | None = None
    message_ts: ShortText | None = None
    channel_id: SlackId | None = None
    view_id: SlackId | None = None
    is_ephemeral: bool | None = None


class Message(_Model):
    ts: ShortText | None = None
    text: Annotated[str, Field(max_length=limits.MAX_MESSAGE_TEXT)] | None = None
    user: SlackId | None = None
    thread_ts: ShortText | None = None
    blocks: Annotated[list[dict[str, Any]], Field(max_length=limits.MAX_VIEW_BLOCKS)] | None = None


class CommandPayload(_Model):
    """A slash command (form fields, all strings)."""

    model_config = ConfigDict(extra="allow", strict=True)

    team_id: SlackId
    user_id: SlackId
    channel_id: SlackId | None = None
    command: Annotated[str, StringConstraints(pattern=r"^/[\w-]{1,32}$")]
    text: Annotated[str, Field(max_length=MAX_COMMAND_TEXT)] = ""
    response_url: Url | None = None
    trigger_id: ShortText | None = None
    enterprise_id: SlackId | None = None


class BlockActionsPayload(_Model):
    type: Literal["block_actions"]
    team: Team | None = None
    user: User
    actions: Annotated[list[Action], Field(min_length=1, max_length=limits.MAX_ACTIONS_ELEMENTS)]
    trigger_id: ShortText | None = None
    response_url: Url | None = None
    container: Container | None = None
    channel: Channel | None = None
    message: Message | None = None
    view: View | None = None


class ViewSubmissionPayload(_Model):
    type: Literal["view_submission", "view_closed"]
    team: Team | None = None
    user: User
    view: View
    trigger_id: ShortText | None = None
    response_urls: list[dict[str, Any]] | None = None


class ShortcutPayload(_Model):
    type: Literal["shortcut", "message_action"]
    team: Team | None = None
    user: User
    callback_id: Annotated[str, Field(max_length=limits.MAX_CALLBACK_ID)]
    trigger_id: ShortText
    channel: Channel | None = None
    message: Message | None = None
    message_ts: ShortText | None = None
    response_url: Url | None = None


class BlockSuggestionPayload(_Model):
    type: Literal["block_suggestion"]
    team: Team | None = None
    user: User
    action_id: Annotated[str, Field(max_length=limits.MAX_ACTION_ID)]
    block_id: Annotated[str, Field(max_length=limits.MAX_BLOCK_ID)] | None = None
    value: Annotated[str, Field(max_length=MAX_SEARCH_TEXT)] = ""
    view: View | None = None


class Event(_Model):
    type: ShortText
    user: SlackId | dict[str, Any] | None = None
    channel: SlackId | dict[str, Any] | None = None
    text: Annotated[str, Field(max_length=MAX_EVENT_TEXT)] | None = None
    tab: ShortText | None = None
    event_ts: ShortText | None = None
    view: dict[str, Any] | None = None  # app_home_opened: the Home tab as last published
    tokens: dict[str, list[SlackId]] | None = None  # tokens_revoked: {"oauth": [...], "bot": [...]}


class EventEnvelope(_Model):
    type: Literal["event_callback"]
    team_id: SlackId
    event_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{1,64}$")]
    event: Event
    api_app_id: ShortText | None = None


_MODELS: dict[str, type[_Model]] = {
    "block_actions": BlockActionsPayload,
    "view_submission": ViewSubmissionPayload,
    "view_closed": ViewSubmissionPayload,
    "shortcut": ShortcutPayload,
    "message_action": ShortcutPayload,
    "block_suggestion": BlockSuggestionPayload,
    "event_callback": EventEnvelope,
}


def model_for(body: dict[str, Any]) -> type[_Model] | None:
    """The model for a request body (None: a kind we do not check, e.g. url_verification)."""
    if "command" in body and "type" not in body:
        return CommandPayload
    return _MODELS.get(str(body.get("type")))


# Keys Bolt's own middleware reads from any body, whatever its type: they must have the shape
# Bolt expects, or Bolt fails (a 500) before any check of ours could answer.
_DICT_KEYS = ("event", "enterprise", "container", "view", "message", "previous_message")
_DICT_OR_STR_KEYS = ("team", "user", "channel")


def _shape_problem(body: dict[str, Any]) -> str | None:
    for key in _DICT_KEYS:
        if body.get(key) is not None and not isinstance(body[key], dict):
            return key
    for key in _DICT_OR_STR_KEYS:
        if body.get(key) is not None and not isinstance(body[key], dict | str):
            return key
    authorizations = body.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    ):
        return "authorizations"
    return None


def payload_problem(body: Any) -> str | None:
    """None when `body` fits its model; else the dotted path of the first field that does not
    (never the value: it may be what someone typed, and this goes to the log)."""
    if not isinstance(body, dict) or not body:
        return "body"
    shape = _shape_problem(body)
    if shape is not None:
        return shape
    model = model_for(body)
    if model is None:
        return None if body.get("type") in ("url_verification", "ssl_check") else "type"
    try:
        model.model_validate(body)
    except ValidationError as exc:
        error = exc.errors()[0]
        return ".".join(str(part) for part in error["loc"]) or "body"
    return None


def is_too_long_command_text(body: dict[str, Any]) -> bool:
    text = body.get("text")
    return "command" in body and isinstance(text, str) and len(text) > MAX_COMMAND_TEXT
