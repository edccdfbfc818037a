"""Text helpers shared by every parser: normalisation for matching, and Slack mentions."""

from __future__ import annotations

import re
import unicodedata

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize(name: str) -> str:
    """The matching key of a name: width- and case-folded, without spaces or punctuation.

    "Ricoh  China", "ricoh-china" and "ＲＩＣＯＨ China" all give "ricohchina"; Chinese is
    kept as is ("理光").
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    return _NON_WORD.sub("", folded)[:200]


def mentioned_users(text: str) -> list[str]:
    return _MENTION.findall(text or "")


def mentioned_channels(text: str) -> list[str]:
    return _CHANNEL.findall(text or "")


def mentioned_usergroups(text: str) -> list[str]:
    return _SUBTEAM.findall(text or "")


def strip_mentions(text: str) -> str:
    return _SUBTEAM.sub("", _CHANNEL.sub("", _MENTION.sub("", text or ""))).strip()
