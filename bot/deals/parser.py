"""`/deal …` as reps type it, in English or Chinese, into a `DealCommand`.

    /deal new Ricoh "A3 copiers" 120k close Dec     /deal 新建 理光 复印机项目 12万
    /deal Ricoh copiers → D                          /deal 理光复印机 推进到 提案
    /deal Ricoh copiers budget yes authority met     /deal 理光复印机 预算 有 决策人 已见
    /deal won Ricoh copiers                          /deal 输单 理光复印机
    /deal list [@rep]   /deal stages   /deal help    /deal Ricoh copiers   (show the deal)

Parsing is pure (no database): it splits the text into the deal reference (account words and
title words, matched later by `bot.deals.find`), the target stage (resolved later against the
workspace's funnel) and field changes. Whatever it cannot read is reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bot.core.text import mentioned_users
from bot.deals.amounts import parse_amount, parse_close_date
from bot.deals.stages import BANTCC_WORDS

OPS: dict[str, str] = {
    "help": "help",
    "帮助": "help",
    "?": "help",
    "list": "list",
    "ls": "list",
    "mine": "list",
    "列表": "list",
    "我的": "list",
    "new": "new",
    "create": "new",
    "add": "new",
    "新建": "new",
    "新增": "new",
    "创建": "new",
    "添加": "new",
    "won": "won",
    "win": "won",
    "赢单": "won",
    "赢了": "won",
    "中标": "won",
    "lost": "lost",
    "lose": "lost",
    "输单": "lost",
    "丢单": "lost",
    "输了": "lost",
    "丢了": "lost",
    "show": "show",
    "查看": "show",
    "详情": "show",
    "stages": "stages",
    "阶段": "stages",
}
YES = {"yes", "y", "met", "true", "ok", "confirmed", "known", "done", "✓", "✔", "是", "有", "对", "已确认", "确认"}
YES |= {"已见", "见过", "已见面", "满足", "明确", "清楚", "已知", "已定", "确定"}
NO = {"no", "n", "false", "not", "none", "missing", "否", "没有", "无", "未见", "不满足", "不明确", "没"}
UNKNOWN = {"unknown", "?", "？", "clear", "reset", "unsure", "未知", "不清楚", "不确定", "不知道"}
AMOUNT_WORDS = {"amount", "value", "金额", "价格", "金额为"}
CLOSE_WORDS = {"close", "closing", "closes", "expected", "预计", "预计成交", "成交日期", "结单", "签单", "预计签单"}
STAGE_WORDS = {"stage", "阶段"}
_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "《": "》"}
_TOKEN = re.compile(r'"[^"]*"|“[^”]*”|「[^」]*」|『[^』]*』|《[^》]*》|\S+')
_MOVE = re.compile(
    r"\s*(?:→|->|=>|⇒|➡|➔|推进到|推进至|推到|移到|移至|转到|转至|进入到|进入|退回到|退回|回到|降到|改到)\s*"
    r"|\s+(?:(?:move|moved|back|go)\s+)?to\s+|\s+(?:stage|阶段)\s+|\s+到\s+",
    re.IGNORECASE,
)
_CHINESE_DATE = re.compile(r"^(?:\d{4}年)?\d{1,2}月(?:\d{1,2}[日号])?(?:底|末)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_DEAL_ID = re.compile(r"^#(\d{1,12})$")


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool = False


def tokenize(text: str) -> list[Token]:
    tokens = []
    for raw in _TOKEN.findall(text or ""):
        if raw[0] in _QUOTES and len(raw) >= 2 and raw[-1] == _QUOTES[raw[0]]:
            inner = raw[1:-1].strip()
            if inner:
                tokens.append(Token(inner, quoted=True))
        else:
            tokens.append(Token(raw))
    return tokens


@dataclass
class FieldChanges:
    """What a command changes on a deal; absent fields are left alone.

    `qualification` maps BANTCC items to True (yes), False (no) or None (back to unknown).
    """

    amount: Decimal | None = None
    currency: str | None = None
    expected_close: date | None = None
    qualification: dict[str, bool | None] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return self.amount is None and self.expected_close is None and not self.qualification

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.amount is not None:
            data["amt"] = str(self.amount)
        if self.currency:
            data["cur"] = self.currency
        if self.expected_close is not None:
            data["close"] = self.expected_close.isoformat()
        if self.qualification:
            data["q"] = self.qualification
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> FieldChanges:
        """The inverse of `to_json`, tolerant of anything a forged payload may hold."""
        from bot.core.config import BANTCC

        data = data if isinstance(data, dict) else {}
        changes = cls()
        amount = parse_amount(str(data.get("amt", "")), loose=True) if data.get("amt") is not None else None
        if amount:
            changes.amount = amount[0]
        if isinstance(data.get("cur"), str) and re.fullmatch(r"[A-Z]{3}", data["cur"]):
            changes.currency = data["cur"]
        try:
            changes.expected_close = date.fromisoformat(str(data["close"])) if data.get("close") else None
        except ValueError:
            changes.expected_close = None
        q = raw_q if isinstance(raw_q := data.get("q"), dict) else {}
        changes.qualification = {k: v for k, v in q.items() if k in BANTCC and v in (True, False, None)}
        return changes


@dataclass
class DealCommand:
    op: str  # help, list, new, move, set, won, lost, show, stages
    ref: str = ""  # the deal reference (account + title words), or "#123"
    deal_id: int | None = None
    words: list[str] = field(default_factory=list)  # `new`: account and title words
    title: str | None = None  # `new`: a quoted title
    stage: str = ""  # `move`: the target; `new`: the starting stage
    changes: FieldChanges = field(default_factory=FieldChanges)
    mention: str | None = None  # `list @rep`
    problem: str | None = None  # a message key when the text could not be understood
    problem_values: dict[str, object] = field(default_factory=dict)


def _value(word: str) -> tuple[bool, bool | None]:
    """(is a yes/no/unknown word, its value)."""
    low = word.lower().strip(",.;，。")
    if low in YES:
        return True, True
    if low in NO:
        return True, False
    if low in UNKNOWN:
        return True, None
    return False, None


_ZH_KEYS = sorted((k for k in BANTCC_WORDS if not k.isascii()), key=len, reverse=True)


def _compound(word: str) -> tuple[str, bool | None] | None:
    """'budget:yes', 'authority=met', '预算:有', '预算有', '决策人已见' → (item, value)."""
    parts = re.split(r"[:=：]", word, maxsplit=1)
    if len(parts) == 2 and parts[0].lower() in BANTCC_WORDS:
        ok, value = _value(parts[1])
        if ok:
            return BANTCC_WORDS[parts[0].lower()], value
    for key in _ZH_KEYS:
        if word.startswith(key) and len(word) > len(key):
            ok, value = _value(word[len(key) :])
            if ok:
                return BANTCC_WORDS[key], value
    return None


def _is_bare_date(word: str) -> bool:
    return bool(_CHINESE_DATE.match(word) or _ISO_DATE.match(word))


@dataclass
class _Fields:
    changes: FieldChanges
    positional: list[Token]
    first_field: int | None  # index in the token list of the first field word
    stage: str = ""
    problem: str | None = None
    problem_values: dict[str, object] = field(default_factory=dict)


def extract_fields(tokens: list[Token], today: date, *, allow_stage: bool = False) -> _Fields:
    """Pull amount, expected close and BANTCC items out of `tokens`; the rest stays positional."""
    result = _Fields(FieldChanges(), [], None)
    i = 0
    while i < len(tokens):
        used = 0 if tokens[i].quoted else _read_field(tokens, i, today, allow_stage, result)
        if result.problem is not None:
            return result
        if used:
            if result.first_field is None:
                result.first_field = i
            i += used
        else:
            result.positional.append(tokens[i])
            i += 1
    return result


def _read_field(tokens: list[Token], i: int, today: date, allow_stage: bool, result: _Fields) -> int:
    """How many tokens from `i` on make one field (0: none), stored into `result`; a field word
    with a value that cannot be read sets `result.problem` instead."""
    word = tokens[i].text
    low = word.lower()
    nxt = tokens[i + 1].text if i + 1 < len(tokens) else None
    changes = result.changes
    if low in BANTCC_WORDS:
        ok, value = _value(nxt) if nxt is not None else (False, None)
        if not ok:
            result.problem, result.problem_values = "deal.parse.bantcc_value", {"item": word}
            return 0
        changes.qualification[BANTCC_WORDS[low]] = value
        return 2
    if (compound := _compound(word)) is not None:
        changes.qualification[compound[0]] = compound[1]
        return 1
    if low in AMOUNT_WORDS and nxt is not None:
        amount = parse_amount(nxt, loose=True)
        if amount is None:
            result.problem, result.problem_values = "deal.parse.amount", {"text": nxt}
            return 0
        changes.amount, changes.currency = amount[0], amount[1] or changes.currency
        return 2
    if low in CLOSE_WORDS and nxt is not None and (found := _close_date_after(tokens, i, today)) is not None:
        changes.expected_close = found[0]
        return 1 + found[1]
    if allow_stage and low in STAGE_WORDS and nxt is not None:
        result.stage = nxt
        return 2
    if (amount := parse_amount(word)) is not None:
        changes.amount, changes.currency = amount[0], amount[1] or changes.currency
        return 1
    if _is_bare_date(word) and (when := parse_close_date([word], today)) is not None:
        changes.expected_close = when
        return 1
    return 0


def _close_date_after(tokens: list[Token], i: int, today: date) -> tuple[date, int] | None:
    """The longest close date (three words at most) right after token `i`, and its width."""
    for width in (3, 2, 1):
        words = [t.text for t in tokens[i + 1 : i + 1 + width]]
        if len(words) == width and (when := parse_close_date(words, today)) is not None:
            return when, width
    return None


def _ref(tokens: list[Token]) -> tuple[str, int | None]:
    text = " ".join(t.text for t in tokens).strip()
    match = _DEAL_ID.match(text)
    return text, (int(match[1]) if match else None)


def parse_deal_command(text: str, today: date) -> DealCommand:
    """Read one `/deal` line; `today` is the rep's local date (for "close Dec")."""
    # Slack escapes &, < and > in command text (should_escape): "->" arrives as "-&gt;".
    text = (text or "").replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&").strip()
    tokens = tokenize(text)
    if not tokens:
        return DealCommand(op="list")
    first = tokens[0].text.lower()
    op = OPS.get(first) if not tokens[0].quoted else None
    if op in ("help", "stages"):
        return DealCommand(op=op)
    if op == "list":
        users = mentioned_users(text)
        return DealCommand(op="list", mention=users[0] if users else None)
    if op == "new":
        return _parse_new(tokens[1:], today)
    if op in ("won", "lost", "show"):
        ref, deal_id = _ref(tokens[1:])
        if not ref:
            return DealCommand(op=op, problem="deal.parse.which_deal")
        return DealCommand(op=op, ref=ref, deal_id=deal_id)
    body = text
    if first in ("move", "移动", "推进"):
        body = text.split(None, 1)[1] if len(tokens) > 1 else ""
    return _parse_update(body, today)


def _parse_new(tokens: list[Token], today: date) -> DealCommand:
    fields = extract_fields(tokens, today, allow_stage=True)
    command = DealCommand(op="new", changes=fields.changes, stage=fields.stage)
    if fields.problem:
        command.problem, command.problem_values = fields.problem, fields.problem_values
        return command
    quoted = [t for t in fields.positional if t.quoted]
    plain = [t.text for t in fields.positional if not t.quoted]
    if quoted:
        command.title = quoted[0].text
        command.words = plain
    else:
        command.words = plain
    if not command.words or (command.title is None and len(command.words) < 2):
        command.problem = "deal.parse.new_usage"
    return command


def _parse_update(body: str, today: date) -> DealCommand:
    separators = list(_MOVE.finditer(body))
    stage = ""
    if separators:
        last = separators[-1]
        stage = body[last.end() :].strip()
        body = body[: last.start()].strip()
    fields = extract_fields(tokenize(body), today)
    ref, deal_id = _ref(fields.positional)
    if fields.problem:
        return DealCommand(op="set", ref=ref, problem=fields.problem, problem_values=fields.problem_values)
    if separators:
        command = DealCommand(op="move", ref=ref, deal_id=deal_id, stage=stage, changes=fields.changes)
        if not stage:
            command.problem = "deal.parse.which_stage"
        elif not ref:
            command.problem = "deal.parse.which_deal"
        return command
    if not ref:
        return DealCommand(op="set", problem="deal.parse.which_deal")
    if fields.changes.is_empty():
        return DealCommand(op="show", ref=ref, deal_id=deal_id)
    return DealCommand(op="set", ref=ref, deal_id=deal_id, changes=fields.changes)
