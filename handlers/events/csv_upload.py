"""A CSV file an admin sends to the bot's DM (`message.im`, subtype `file_share`): imported.

The listener acks first (`@listener`); the download and the import run after the ack. A
retried delivery of the same event is dropped by `handlers.middleware.DropEventRetries`
(event receipts), so a file is imported once. The file is fetched as Slack documents for
bots: `files.info` for its metadata, then a GET of `url_private_download` with the bot token
as a Bearer header, only from Slack's own host (the token is never sent elsewhere), and never
more than `MAX_UPLOAD_BYTES`.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.core.i18n import t
from bot.csv_io.slack_import import MAX_UPLOAD_BYTES, check_upload, import_upload
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from handlers.listener import Request, listener
from handlers.middleware import _allowed_hosts, _host_allowed

log = logging.getLogger("handlers.csv_upload")

MAX_FILES = 5  # files of one message looked at; Slack allows ten, an import is one or two
DOWNLOAD_TIMEOUT = 30.0


def _from_a_person(event: dict[str, Any], context: dict[str, Any]) -> bool:
    """Not the bot's own upload (`/coach export` sends CSVs to this DM) nor another bot's."""
    return not event.get("bot_id") and event.get("user") not in (None, context.get("bot_user_id"))


class _SlackOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to Slack's hosts: urllib would carry the bot token along."""

    def __init__(self, hosts: set[str]) -> None:
        self.hosts = hosts

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        if not _host_allowed(newurl, self.hosts):
            raise urllib.error.URLError(f"redirect outside Slack refused: {newurl[:200]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def download(req: Request, url: str) -> bytes | None:
    """The file's bytes (at most MAX_UPLOAD_BYTES + 1, so an oversized one is noticed), or
    None when Slack does not give it or the URL is not Slack's."""
    if not _host_allowed(url, _allowed_hosts(req.svc)):
        log.warning("file URL outside Slack refused: %s", url[:200])
        return None
    url = quote(url, safe=":/?&=%#@+,;~")  # a name with non-ASCII characters, if not already escaped
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {req.client.token}"})
    opener = urllib.request.build_opener(_SlackOnlyRedirects(_allowed_hosts(req.svc)))
    try:
        with opener.open(request, timeout=DOWNLOAD_TIMEOUT) as response:
            if response.headers.get_content_type() == "text/html":
                return None  # Slack's sign-in page: the token may not read files (files:read)
            return bytes(response.read(MAX_UPLOAD_BYTES + 1))
    except (OSError, ValueError) as exc:
        log.warning("file download failed: %s", exc)
        return None


def import_one(req: Request, file_id: str) -> Reply | None:
    """The answer for one shared file (None for a file Slack will not describe)."""
    try:
        info = req.client.files_info(file=file_id).get("file") or {}
    except SlackApiError as exc:
        log.warning("files.info failed for %s: %s", file_id, exc.response.get("error"))
        return None
    name = str(info.get("name") or info.get("title") or file_id)
    refused = check_upload(req.actor, name, str(info.get("filetype") or ""), int(info.get("size") or 0))
    if refused is not None:
        return refused
    data = download(req, str(info.get("url_private_download") or info.get("url_private") or ""))
    if data is None:
        return Reply(t(req.lang, "csv.upload.unreadable", name=bk.escape(name[:120])))
    if len(data) > MAX_UPLOAD_BYTES:  # files.info understated it: refused all the same
        return check_upload(req.actor, name, "csv", len(data))
    return import_upload(req.svc.db, req.actor, name, data, req.now)


@listener()
def handle_file_share(req: Request) -> None:
    event = req.body.get("event") or {}
    if event.get("channel_type") != "im" or not _from_a_person(event, req.context):
        return
    given = event.get("files")
    shared: list[object] = given if isinstance(given, list) else []
    ids = [f["id"] for f in shared if isinstance(f, dict) and isinstance(f.get("id"), str) and f["id"]]
    for file_id in ids[:MAX_FILES]:
        reply = import_one(req, str(file_id))
        if reply is not None:
            req.reply(reply)


def register(app: App) -> None:
    app.event({"type": "message", "subtype": "file_share"})(handle_file_share)
