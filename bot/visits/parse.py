"""The one-line `/visit` parser: text in, a structured account of what was understood out.

`parse_visit(text, tz, now, lang)` is a pure function (no database, no Slack): it finds the
account phrase, contacts met (with their buying role), the channel, purpose and notes, a
relationship level, the visit date and the next step with its due time, in English or Chinese
or both mixed, words in any order where that is unambiguous. What it could not place is listed
in `issues` (the visit can still be saved) or `blocking` (it cannot: no account, a date in the
far future, …), so the reply can say exactly what was and was not understood. It never raises:
a property-based test feeds it arbitrary Unicode.

How it reads a line: full-width punctuation is folded one-for-one (so positions stay those of
the original), the line is cut into clauses at ";", "。" and new lines, a next-step marker
("next:", "下一步") splits a clause, and the rest is tokenised by recognisers (dates, channel
words, "with"/"见了", "张总"-style names, "(decision maker)", "level 3"/"关系3", ":" …); the free
text between them forms phrases. The first free phrase is the account guess (the caller
matches it against the database and may try the others); later phrases are the purpose, and
text after a ";" is notes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from bot.core.clock import zone
from bot.core.i18n import Lang
from bot.visits.dates import DateExpr, Direction, find_dates, impossible, zh_number

MAX_TEXT = 3000
CHANNELS = ("phone", "im", "email", "in_person", "informal", "video")
ROLES = ("decision_maker", "influencer", "user", "purchaser", "coach")
DEFAULT_DUE_TIME = time(18, 0)  # "by Friday": by the end of Friday's working day
FAR_FUTURE = timedelta(days=366)
FAR_PAST = timedelta(days=366)

# One-for-one folding of full-width and CJK punctuation, so spans stay valid in the original.
_FOLD = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x3001: 0x2C, 0x3002: 0x3B, 0x3010: 0x28, 0x3011: 0x29, 0xFF64: 0x2C})

_L = r"(?<![A-Za-z0-9])"
_R = r"(?![A-Za-z0-9])"

_CHANNEL_WORDS: dict[str, tuple[str, ...]] = {
    "phone": (
        "phone call",
        "teams call",
        "zoom call",
        "video call",
        "zoom",
        "视频会议",
        "腾讯会议",
        "视频",
        "phone",
        "phoned",
        "by phone",
        "on the phone",
        "call",
        "called",
        "tel",
        "telephone",
        "打电话",
        "通电话",
        "电话",
        "致电",
        "来电",
        "通话",
    ),
    "im": (
        "wechat",
        "weixin",
        "wx",
        "im",
        "chat",
        "chatted",
        "messaged",
        "text",
        "message",
        "texted",
        "sms",
        "whatsapp",
        "dingtalk",
        "企业微信",
        "企微",
        "微信",
        "短信",
        "钉钉",
        "发消息",
    ),
    "email": ("email", "e-mail", "emailed", "mail", "mailed", "发邮件", "邮件", "电邮", "邮箱"),
    "in_person": (
        "in person",
        "in-person",
        "face to face",
        "face-to-face",
        "f2f",
        "onsite",
        "on-site",
        "on site",
        "meeting",
        "visit",
        "visited",
        "面谈",
        "拜访",
        "见面",
        "上门",
        "面见",
        "会面",
        "现场",
        "登门",
    ),
    "informal": (
        "informal",
        "offsite",
        "off-site",
        "dinner",
        "lunch",
        "breakfast",
        "coffee",
        "drinks",
        "golf",
        "karaoke",
        "饭局",
        "吃饭",
        "聚餐",
        "宴请",
        "喝茶",
        "喝酒",
        "请客",
        "打球",
        "唱歌",
    ),
    "video": ("video call", "videocall", "video meeting", "zoom", "视频会议", "视频通话", "腾讯会议"),
}
_ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "decision_maker": ("decision maker", "decision-maker", "decider", "dm", "决策人", "决策者", "拍板人", "拍板"),
    "influencer": ("influencer", "影响者", "影响人"),
    "user": ("user", "end user", "operator", "使用者", "用户", "操作人员", "使用人"),
    "purchaser": ("purchaser", "buyer", "procurement", "purchasing", "采购", "采购员"),
    "coach": ("coach", "champion", "教练", "内线"),
}
# Role words recognised without parentheses (distinctive enough not to be ordinary text).
_BARE_ROLE_WORDS = ("decision maker", "decision-maker", "决策人", "决策者", "拍板人", "影响者", "教练", "内线")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢"
)
_TITLES = (
    "董事长|总经理|总监|总裁|总工|副总|总|经理|主任|老师|工程师|工|处长|处|局长|局|部长|科长|主管|董|老板|秘书|助理"
    "|小姐|先生|女士|院长|校长|所长|厂长|行长|书记|博士|教授|律师|医生"
)

_NEXT_MARKER = re.compile(
    _L + r"(?:next\s*steps?|next|follow[- ]?up|todo|to-do|then|action)\s*:|" + _L + r"next\s+steps?" + _R + r"\s*:?"
    r"|(?:下一步|下步|后续|待办|下次)\s*:?",
    re.I,
)


def _words(words: tuple[str, ...]) -> str:
    latin = sorted((w for w in words if w.isascii()), key=len, reverse=True)
    cjk = sorted((w for w in words if not w.isascii()), key=len, reverse=True)
    parts = []
    if latin:
        parts.append(_L + "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in latin) + ")" + _R)
    if cjk:
        parts.append("(?:" + "|".join(re.escape(w) for w in cjk) + ")")
    return "|".join(parts)


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    value: str | None = None


_RULES: list[_Rule] = [
    # free phrases that contain keywords but mean something else ("call back" is a next step)
    _Rule("free", re.compile(_L + r"(?:call\s*back|callback|follow\s+up)" + _R + r"|回电话|回电|回个电话|回复", re.I)),
    *[_Rule("channel", re.compile(_words(words), re.I), channel) for channel, words in _CHANNEL_WORDS.items()],
    _Rule("channel_with", re.compile(r"拜访了|见了面"), "in_person"),
    _Rule(
        "with",
        re.compile(
            _L + r"(?:met\s+with|meeting\s+with|met|saw)" + _R + r"|见到了|见到|会见了?|约见了?|拜见了?|见了", re.I
        ),
        "in_person",
    ),
    _Rule("with", re.compile(_L + r"(?:with|w/|w(?=\s)|spoke\s+(?:to|with)|talked\s+(?:to|with))" + _R, re.I)),
    _Rule("with", re.compile(r"(?:和|跟|与|同)(?=[" + SURNAMES + r"](?:副)?(?:" + _TITLES + r"))")),
    # "和韩娜饭局", "跟李明 面谈": a surname and a one- or two-character given name, then a
    # channel word, a space, punctuation or the end
    _Rule(
        "with",
        re.compile(
            r"(?:和|跟|与|同)(?=["
            + SURNAMES
            + r"][\u4e00-\u9fff]{1,2}(?:"
            + "|".join(
                sorted((w for ws in _CHANNEL_WORDS.values() for w in ws if not w.isascii()), key=len, reverse=True)
            )
            + r"|[\s,;:()]|$))"
        ),
    ),
    # "a new guy Tim Webb", "新联系人 赵敏", "新来的采购吴昊": a name follows
    _Rule(
        "with",
        re.compile(
            _L + r"(?:an?\s+)?new\s+(?:contact|guy|person|buyer|manager)" + _R + r"|新联系人|新来的|新认识的", re.I
        ),
    ),
    _Rule("contact", re.compile(r"[" + SURNAMES + r"](?:副)?(?:" + _TITLES + r")")),
    _Rule("contact", re.compile(_L + r"(?:mr|mrs|ms|miss|dr)\.?\s+[A-Z][A-Za-z'-]+" + _R)),
    _Rule("role", re.compile(_words(_BARE_ROLE_WORDS), re.I)),
    _Rule(
        "level",
        re.compile(
            _L
            + r"(?:relationship\s+level|relationship|level|lvl|lv)\s*[:=]?\s*-?\d+"
            + _R
            + r"|"
            + _L
            + r"L\d"
            + _R
            + r"|关系(?:水平|等级|级别)?\s*[:=]?\s*(?:-?\d+|[零一二三四五六七八九十])级?|\d级关系",
            re.I,
        ),
    ),
    _Rule(
        "purpose",
        re.compile(
            _L + r"(?:purpose|topic|goal|agenda|re)\s*:|" + _L + r"(?:about|regarding|discussed|discussing"
            r"|to\s+discuss|(?:talked|spoke|chatted)\s+about)" + _R + r"\s*:?|(?:目的|主题|事由|议题)\s*:?",
            re.I,
        ),
    ),
    _Rule("notes", re.compile(_L + r"notes?\s*:|(?:备注|记录)\s*:?", re.I)),
    _Rule(
        "account",
        re.compile(_L + r"(?:account|client|customer|company)\s*:|客户\s*:|" + _L + r"at(?=\s+[^\W\d])", re.I),
    ),
    _Rule("paren", re.compile(r"\([^()]*\)")),
    _Rule("colon", re.compile(r":")),
    _Rule("comma", re.compile(r",")),
    _Rule("stray", re.compile(r"[()]")),
]
_PRIORITY = {rule.kind: i for i, rule in enumerate(_RULES)}


@dataclass(frozen=True)
class Known:
    """A name the workspace knows, found at original[start:end] before parsing
    (`bot.visits.names`): kind "account" or "contact". Words inside it are never keywords."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class ParsedContact:
    name: str
    role: str | None = None
    title: str | None = None
    known: bool = False  # the workspace has a contact of exactly this name


@dataclass(frozen=True)
class Issue:
    """Something not understood (`key` names the message `visit.issue.<key>`), with the words."""

    key: str
    text: str = ""


@dataclass
class ParsedVisit:
    original: str
    main_phrases: list[str] = field(default_factory=list)  # [0] is the account guess
    account_explicit: bool = False
    account_known: bool = False  # main_phrases[0] is a name the workspace knows, as typed
    contacts: list[ParsedContact] = field(default_factory=list)
    channel: str | None = None
    channel_implied: str | None = None  # "met", "见了" imply in person when no channel is named
    purpose_phrases: list[str] = field(default_factory=list)
    notes_phrases: list[str] = field(default_factory=list)
    level: int | None = None
    visit_date: date | None = None
    visit_time: time | None = None
    date_text: str | None = None
    occurred_at: datetime | None = None  # UTC; None: now
    next_step: str | None = None
    next_due: datetime | None = None  # UTC
    due_text: str | None = None
    issues: list[Issue] = field(default_factory=list)
    blocking: list[Issue] = field(default_factory=list)

    @property
    def account(self) -> str | None:
        return self.main_phrases[0] if self.main_phrases else None

    @property
    def purpose(self) -> str | None:
        """Purpose as parsed (every free phrase after the account)."""
        return join_phrases([*self.main_phrases[1:], *self.purpose_phrases])

    @property
    def notes(self) -> str | None:
        return join_phrases(self.notes_phrases)

    @property
    def resolved_channel(self) -> str:
        return self.channel or self.channel_implied or "in_person"

    @property
    def channel_assumed(self) -> bool:
        return self.channel is None and self.channel_implied is None


def join_phrases(phrases: list[str]) -> str | None:
    parts = [p for p in (clean_phrase(x) for x in phrases) if p]
    return "; ".join(parts) if parts else None


_EDGE = " \t\r\n,;:.-–—·•/\\|\"'“”‘’「」『』<>"


def clean_phrase(text: str) -> str:
    """A phrase without surrounding punctuation and runs of spaces."""
    return " ".join(text.split()).strip(_EDGE)


def is_meaningful(text: str) -> bool:
    """True if `text` has a letter or digit (not only emoji, symbols or punctuation)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _is_symbol(ch: str) -> bool:
    """Emoji and other pictographs: not part of a person's name."""
    return unicodedata.category(ch) in ("So", "Sk", "Cs", "Co") or ch in "\u200d\ufe0f"


def _role_of(text: str) -> str | None:
    low = " ".join(text.lower().replace("-", " ").split())
    for role, words in _ROLE_WORDS.items():
        if low in {w.replace("-", " ") for w in words}:
            return role
    return None


def _leading_role(text: str) -> tuple[str | None, str]:
    """The role that `text` starts with, and the rest: "decision maker, CFO" → (dm, "CFO")."""
    words = text.split()
    for n in range(len(words), 0, -1):
        role = _role_of(" ".join(words[:n]).rstrip(",;:"))
        if role:
            return role, clean_phrase(" ".join(words[n:]))
    return None, clean_phrase(text)


def _level_of(text: str) -> int | None:
    digits = re.search(r"-?\d+", text)
    if digits:
        try:
            return int(digits.group(0))
        except ValueError:
            return None
    cjk = re.search(r"[零一二三四五六七八九十]+", text)
    return zh_number(cjk.group(0).replace("零", "0")) if cjk else None


@dataclass(frozen=True)
class _Tok:
    kind: str
    start: int
    end: int
    value: object = None


# Words around a known name that only tie it into the sentence ("拜访了中国平安*的*刘总",
# "昨天*在*理光", "*跟*上海电气张总", "Jack *from* Phone House", "Wide World*'s* CFO").
_BEFORE_NAME = re.compile(
    r"(?:\s|[在跟和与同及、去到从给找的了]|" + _L + r"(?:from|of|for|to|and|@)" + _R + r")+$", re.I
)
_AFTER_NAME = re.compile(r"(?:\s|公司|那边|这边|那里|[的了和与及、里]|'s|’s|" + _L + r"(?:and|from)" + _R + r")+", re.I)


def _name_tokens(text: str, start: int, end: int, names: tuple[Known, ...]) -> list[_Tok]:
    """Known names inside text[start:end] as tokens; "(Wide World)" takes its brackets."""
    found: list[_Tok] = []
    for name in names:
        if name.start < start or name.end > end:
            continue
        s, e = name.start, name.end
        left = text[start:s].rstrip()
        right_gap = len(text[e:end]) - len(text[e:end].lstrip())
        if left.endswith("(") and text[e + right_gap : e + right_gap + 1] == ")":
            s, e = len(left) + start - 1, e + right_gap + 1
        found.append(_Tok(name.kind + "_name", s, e, (name.start, name.end)))
    return found


def _lex(text: str, start: int, end: int, names: tuple[Known, ...] = ()) -> list[_Tok]:
    """Tokens of text[start:end], recognised ones and the free text between them; known names
    first, and nothing recognised inside them."""
    region = text[start:end]
    named = _name_tokens(text, start, end, names)
    found: list[_Tok] = list(named)

    def free(s: int, e: int) -> bool:
        return all(e <= n.start or s >= n.end for n in named)

    for expr in find_dates(region):
        if free(start + expr.start, start + expr.end):
            found.append(_Tok("date", start + expr.start, start + expr.end, _shift(expr, start)))
    for rule in _RULES:
        for m in rule.pattern.finditer(region):
            if m.end() > m.start() and free(start + m.start(), start + m.end()):
                found.append(_Tok(rule.kind, start + m.start(), start + m.end(), rule.value))
    found.sort(key=lambda t: (t.start, -(t.end - t.start), _PRIORITY.get(t.kind, -1)))
    tokens: list[_Tok] = []
    pos = start
    for tok in found:
        if tok.start < pos:
            continue
        if tok.start > pos:
            tokens.append(_Tok("text", pos, tok.start))
        tokens.append(tok)
        pos = tok.end
    if pos < end:
        tokens.append(_Tok("text", pos, end))
    if named:
        tokens = _trim_particles(text, tokens)
    return [t for t in tokens if t.kind != "text" or text[t.start : t.end].strip()]


def _trim_particles(text: str, tokens: list[_Tok]) -> list[_Tok]:
    """Free text next to a known name loses the little words that only join it to the name."""
    out: list[_Tok] = []
    for i, tok in enumerate(tokens):
        if tok.kind != "text":
            out.append(tok)
            continue
        s, e = tok.start, tok.end
        if i > 0 and tokens[i - 1].kind.endswith("_name"):
            m = _AFTER_NAME.match(text, s, e)
            if m:
                s = m.end()
        if i + 1 < len(tokens) and tokens[i + 1].kind.endswith("_name") and s < e:
            m = _BEFORE_NAME.search(text[s:e])
            if m:
                e = s + m.start()
        if s < e:
            out.append(_Tok("text", s, e))
    return out


@dataclass
class _State:
    """Where the builder is inside one clause."""

    slot: str  # main, purpose or notes: where free phrases go
    mode: str | None = None  # "with": reading a list of names
    expect_name: bool = False  # in a list of names, the next phrase is a name
    run: list[int] | None = None  # [start, end] of the free phrase being built
    run_slot: str = "main"
    run_end: int = -1
    contact_end: int = -1  # end of the last contact (a role in parentheses may follow)
    pending_account: bool = False
    after_account: bool = False  # the last token was the known account's name


class _Builder:
    """Assembles tokens into a ParsedVisit, clause by clause."""

    def __init__(
        self, original: str, norm: str, local_now: datetime, lang: Lang, names: tuple[Known, ...] = ()
    ) -> None:
        self.names = names
        self.original = original
        self.norm = norm
        self.local_now = local_now
        self.lang = lang
        self.result = ParsedVisit(original=original)
        self.next_expr: DateExpr | None = None
        self.visit_expr: DateExpr | None = None

    # --- helpers -------------------------------------------------------------------------
    def src(self, start: int, end: int) -> str:
        return self.original[start:end]

    def ignored(self, text: str) -> None:
        text = text.strip()
        if text:
            self.result.issues.append(Issue("ignored", text))

    # --- clauses -------------------------------------------------------------------------
    def clause(self, start: int, end: int, first: bool) -> None:
        marker = _NEXT_MARKER.search(self.norm, start, end)
        if marker and self.result.next_step is None and self.next_expr is None:
            self.main(start, marker.start(), first)
            self.next_clause(marker.end(), end)
            return
        self.main(start, end, first)

    def next_clause(self, start: int, end: int) -> None:
        exprs = find_dates(self.norm[start:end])
        text = self.src(start, end)
        if exprs:
            expr = exprs[0]
            self.set_due(_shift(expr, start))
            text = text[: expr.start] + " " + text[expr.end :]
        self.result.next_step = clean_phrase(_strip_connectors(text)) or None
        if self.result.next_step is None and not exprs:
            self.result.issues.append(Issue("next_empty", clean_phrase(self.src(start, end))))

    def set_due(self, expr: DateExpr) -> None:
        self.next_expr = expr
        self.result.due_text = clean_phrase(self.src(expr.start, expr.end))

    def main(self, start: int, end: int, first: bool) -> None:
        tokens = _lex(self.norm, start, end, self.names)
        st = _State(slot="main" if first else "notes")
        i = 0
        while i < len(tokens):
            i = self.token(tokens, i, st, end) + 1
        self.flush(st)

    def flush(self, st: _State) -> None:
        """End the free phrase being built and file it where the state says."""
        if st.run is None:
            return
        raw = self.src(st.run[0], st.run[1])
        text = clean_phrase(raw)
        st.run = None
        if not is_meaningful(text):
            self.ignored(raw)
        elif st.mode == "with" and st.expect_name:
            before = len(self.result.contacts)
            self.add_contacts(text)
            st.expect_name = False
            if len(self.result.contacts) > before:
                st.contact_end = st.run_end
        elif st.pending_account and not self.result.account_explicit:
            self.result.main_phrases.insert(0, text)
            self.result.account_explicit = True
            st.pending_account = False
        elif st.run_slot == "main":
            self.result.main_phrases.append(text)
        elif st.run_slot == "purpose":
            self.result.purpose_phrases.append(text)
        else:
            self.result.notes_phrases.append(text)

    def extend(self, st: _State, tok: _Tok) -> None:
        if st.mode == "with" and not st.expect_name and st.run is None:
            st.mode = None  # a phrase after a finished list of names is not a name
        if st.run is None:
            st.run = [tok.start, tok.end]
            st.run_slot = st.slot
        else:
            st.run[1] = tok.end
        st.run_end = tok.end
        st.contact_end = -1

    def token(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """Handle tokens[i]; returns the index of the last token it used. Each kind of token has
        its own step (`_TOKEN_STEPS`) so no one function holds every rule of the grammar."""
        kind = tokens[i].kind
        after_account, st.after_account = st.after_account, kind == "account_name"
        if kind == "colon":
            self.flush(st)
            st.mode = None
            if st.slot == "main" and not after_account:  # "Contoso: phone Lena" names, then says
                st.slot = "purpose"
            return i
        step = _TOKEN_STEPS.get(kind)
        return step(self, tokens, i, st, end) if step is not None else i

    @staticmethod
    def in_text(st: _State) -> bool:
        """Inside purpose or notes, where names and keywords are just words."""
        return st.slot in ("purpose", "notes")

    def on_text(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """Plain words: part of the current phrase."""
        self.extend(st, tokens[i])
        return i

    def on_account_name(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """A known account's name: the visit's account, unless one was named already."""
        tok = tokens[i]
        inner = tok.value if isinstance(tok.value, tuple) else (tok.start, tok.end)
        if self.result.account_known:
            self.extend(st, tok)  # a second account named: part of the text
        else:
            self.flush(st)
            st.mode, st.pending_account = None, False
            self.result.main_phrases.insert(0, clean_phrase(self.src(*inner)))
            self.result.account_explicit = self.result.account_known = True
        return i

    def on_contact_name(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """A known contact's name: a contact met (in notes, just words)."""
        tok = tokens[i]
        inner = tok.value if isinstance(tok.value, tuple) else (tok.start, tok.end)
        if st.slot == "notes":
            self.extend(st, tok)
        else:
            self.flush(st)
            self.result.contacts.append(ParsedContact(clean_phrase(self.src(*inner)), known=True))
            st.contact_end = tok.end
            if st.mode == "with":
                st.expect_name = True  # "with Olivia Hart and Jack": the list goes on
        return i

    def on_comma(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """A comma ends a phrase in the main part and between names; in purpose or notes it is text."""
        if st.slot == "main" or st.mode == "with":
            self.flush(st)
            if st.mode == "with":
                st.expect_name = True
        else:
            self.extend(st, tokens[i])
        return i

    def on_date(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """A date: when the visit was or the next step is due, unless it is inside the text."""
        expr = tokens[i].value
        assert isinstance(expr, DateExpr)
        if self.in_text(st) and not self.standalone(tokens, i):
            self.extend(st, tokens[i])
            return i
        self.flush(st)
        st.mode = None
        return self.date_in_main(expr, tokens, i)

    def on_paren(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """A bracket right after a contact is that contact's role; elsewhere it is text."""
        tok = tokens[i]
        bracketed = self.src(tok.start, tok.end)[1:-1].strip()
        if st.mode == "with" and st.run is not None and st.expect_name:
            self.flush(st)
        if st.contact_end >= 0 and st.run is None and not self.norm[st.contact_end : tok.start].strip():
            self.attach_role(bracketed)
            st.contact_end = tok.end
        else:
            self.extend(st, tok)
        return i

    def on_stray(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """An unbalanced bracket: reported; after a contact, the role words it starts are kept."""
        tok = tokens[i]
        text = self.src(tok.start, tok.end)
        self.flush(st)
        self.result.issues.append(Issue("unbalanced", text))
        if text == "(" and st.contact_end >= 0:
            i = self.unclosed_role(tokens, i, tok.end, end)
        st.contact_end = -1
        return i

    def on_role(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """Role words right after a contact are that contact's role; elsewhere they are text."""
        tok = tokens[i]
        if st.contact_end >= 0 and st.run is None and not self.in_text(st):
            self.attach_role(self.src(tok.start, tok.end))
            st.contact_end = tok.end
        else:
            self.extend(st, tok)
        return i

    def on_contact(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """A name shaped like a person's ("王总", "Mr Lee"): a contact met, unless inside the text."""
        tok = tokens[i]
        if self.in_text(st):
            self.extend(st, tok)
        else:
            self.flush(st)
            self.result.contacts.append(ParsedContact(clean_phrase(self.src(tok.start, tok.end))))
            st.contact_end = tok.end
            if st.mode == "with":
                st.expect_name = False
        return i

    def on_with(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """A "with" ("spoke to", "和"), or a word that also says the channel ("拜访了"): names follow."""
        tok = tokens[i]
        kind = tok.kind
        if self.in_text(st) or (kind == "with" and st.mode == "with"):
            self.extend(st, tok)
            return i
        self.flush(st)
        if kind == "channel_with" and self.result.channel is None:
            self.result.channel = str(tok.value)
        elif tok.value and self.result.channel_implied is None:
            self.result.channel_implied = str(tok.value)
        st.mode, st.expect_name, st.contact_end = "with", True, -1
        return i

    def on_channel(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """A channel word: the first one is the visit's channel, later ones are text."""
        tok = tokens[i]
        if self.result.channel is None:
            self.flush(st)
            st.mode = None
            self.result.channel = str(tok.value)
        else:
            if st.mode == "with" and st.run is None:
                st.mode = None  # "with Dan, coffee tasting": a keyword starts a phrase, not a name
            self.extend(st, tok)
        return i

    def on_level(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """A relationship level ("level 3", "lv:4"): 0..5, anything else reported."""
        tok = tokens[i]
        text = self.src(tok.start, tok.end)
        self.flush(st)
        st.mode = None
        level = _level_of(text)
        if level is None or not 0 <= level <= 5:
            self.result.issues.append(Issue("level_range", clean_phrase(text)))
        else:
            self.result.level = level
        return i

    def on_purpose(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """A "purpose:"/"目的" marker: what follows is the purpose (inside notes, just words)."""
        if st.slot == "notes":
            self.extend(st, tokens[i])
        else:
            self.flush(st)
            st.mode, st.slot = None, "purpose"
        return i

    def on_notes(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """A "notes:"/"备注" marker: what follows is notes."""
        self.flush(st)
        st.mode, st.slot = None, "notes"
        return i

    def on_account(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """A marker like "client:", "客户:" or "at" in the main part: the next phrase is the account."""
        if st.slot == "main" and not self.result.account_explicit:
            self.flush(st)
            st.mode, st.pending_account = None, True
        else:
            self.extend(st, tokens[i])
        return i

    def on_free(self, tokens: list[_Tok], i: int, st: _State, end: int) -> int:
        """A phrase like "call back" or "回电": never a name, so it ends a list of names after "with"."""
        if st.mode == "with":
            self.flush(st)
            st.mode = None
        self.extend(st, tokens[i])
        return i

    def unclosed_role(self, tokens: list[_Tok], i: int, pos: int, end: int) -> int:
        """After an unclosed "(" that follows a contact: take the role words it starts with
        ("Zhang (decision maker in person" → decision maker), skipping the tokens they cover."""
        m = re.match(r"\s*([^,:;()]+)", self.norm[pos:end])
        words = m.group(1).split() if m else []
        for n in range(len(words), 0, -1):
            if _role_of(" ".join(words[:n])):
                stop = self.norm.index(words[n - 1], pos) + len(words[n - 1])
                self.attach_role(" ".join(words[:n]))
                while i + 1 < len(tokens) and tokens[i + 1].start < stop:
                    i += 1
                break
        return i

    def standalone(self, tokens: list[_Tok], i: int) -> bool:
        """A date that is its own comma-separated item ("…, yesterday") even inside notes."""
        before = tokens[i - 1].kind if i > 0 else None
        after = tokens[i + 1].kind if i + 1 < len(tokens) else None
        return before in (None, "comma", "colon") and after in (None, "comma")

    def date_in_main(self, expr: DateExpr, tokens: list[_Tok], i: int) -> int:
        """Place a date found outside a next-step clause; returns the index of the last token used."""
        direction = expr.direction
        prefer: Direction = "future" if (direction == "future" or expr.deadline) else "past"
        day, _tod = expr.resolve(self.local_now, prefer)
        future = day is not None and day > self.local_now.date()
        if direction == "future" or expr.deadline or (future and direction == "either"):
            if self.next_expr is not None or self.result.next_step is not None:
                self.result.notes_phrases.append(self.src(expr.start, expr.end))
                return i
            self.set_due(expr)
            # the step is what follows the date up to the next comma, or else the phrase before it
            j = i + 1
            while j < len(tokens) and tokens[j].kind != "comma":
                j += 1
            tail = self.src(expr.end, tokens[j - 1].end) if j - 1 > i else ""
            channel = next((t for t in tokens[i + 1 : j] if t.kind == "channel"), None)
            if channel is not None and self.result.channel is None:
                # "next week phone: check": the typed channel is the visit's, not step text
                self.result.channel = str(channel.value)
                tail = self.src(expr.end, channel.start) + " " + self.src(channel.end, tokens[j - 1].end)
            if clean_phrase(tail):
                self.result.next_step = clean_phrase(_strip_connectors(tail))
                return j - 1
            before = self.result.main_phrases
            prev = tokens[i - 1] if i > 0 else None
            if prev is not None and prev.kind in ("text", "free") and len(before) > 1:
                self.result.next_step = clean_phrase(_strip_connectors(before.pop()))
            return i
        if self.result.date_text is not None:
            self.result.notes_phrases.append(self.src(expr.start, expr.end))
            return i
        self.result.date_text = clean_phrase(self.src(expr.start, expr.end))
        self.visit_expr = expr
        return i

    def add_contacts(self, text: str) -> None:
        for raw in re.split(r"\s+and\s+|\s*&\s*|和|及|、|/", text):
            symbols = "".join(ch for ch in raw if _is_symbol(ch))
            if symbols.strip():
                self.ignored(symbols)
            name = clean_phrase("".join(ch for ch in raw if not _is_symbol(ch)))
            name = re.sub(
                r"^(?:(?:an?|the)\s+)?(?:new\s+(?:contact|guy|person|buyer|manager)\s+)?", "", name, flags=re.I
            )
            role = None
            if name and not name.isascii():
                for word in sorted((w for ws in _ROLE_WORDS.values() for w in ws if not w.isascii()), key=len)[::-1]:
                    if name.startswith(word) and len(name) - len(word) >= 2:
                        role, name = _role_of(word), name[len(word) :]  # "采购吴昊": a purchaser, 吴昊
                        break
            if not name:
                continue
            if not is_meaningful(name):
                self.ignored(name)
            elif len(name) > 40 or (not name.isascii() and len(name) > 6 and " " not in name):
                self.result.issues.append(Issue("contact_unclear", name))
                self.result.main_phrases.append(name)
            else:
                self.result.contacts.append(ParsedContact(name, role))

    def attach_role(self, inner: str) -> None:
        if not self.result.contacts:
            self.result.notes_phrases.append(inner)
            return
        contact = self.result.contacts[-1]
        role, rest = _leading_role(inner)
        title = contact.title
        if rest and is_meaningful(rest):
            if len(rest) <= 40 and not re.search(r"[:;]", rest):
                title = clean_phrase(rest)[:120]  # "(CFO)", "(decision maker, CFO)"
            else:
                self.result.notes_phrases.append(rest)  # more than a title: keep it as notes
        self.result.contacts[-1] = ParsedContact(contact.name, role or contact.role, title)

    # --- dates -------------------------------------------------------------------------------
    def finish(self, now: datetime) -> ParsedVisit:
        result = self.result
        tz = self.local_now.tzinfo
        expr = self.visit_expr
        for bad in (e for e in (expr, self.next_expr) if e is not None and impossible(e)):
            # "32/13", "2月30日": refused with the reason, never wrapped round to another date
            text = clean_phrase(self.src(bad.start, bad.end))
            result.blocking.append(Issue(f"date_no_{impossible(bad)}", text))
        if result.blocking:
            return result
        if expr is not None:
            day, tod = expr.resolve(self.local_now, "past")
            if day is None:
                result.blocking.append(Issue("date_unclear", result.date_text or ""))
            else:
                result.visit_date, result.visit_time = day, tod
                if day == self.local_now.date() and tod is None:
                    result.occurred_at = None
                else:
                    local = datetime.combine(day, tod or time(12, 0), tzinfo=tz)
                    result.occurred_at = local.astimezone(UTC)
                if result.occurred_at is not None and result.occurred_at > now + timedelta(minutes=5):
                    result.blocking.append(
                        Issue(
                            "far_future" if day - self.local_now.date() > FAR_FUTURE else "future_visit",
                            result.date_text or "",
                        )
                    )
                elif result.occurred_at is not None and now - result.occurred_at > FAR_PAST:
                    result.blocking.append(Issue("far_past", result.date_text or ""))
        if self.next_expr is not None:
            day, tod = self.next_expr.resolve(self.local_now, "future")
            if day is None:
                result.issues.append(Issue("due_unclear", result.due_text or ""))
            else:
                due = datetime.combine(day, tod or DEFAULT_DUE_TIME, tzinfo=tz).astimezone(UTC)
                if due - now > FAR_FUTURE:
                    result.blocking.append(Issue("far_future", result.due_text or ""))
                elif due <= now:
                    result.issues.append(Issue("due_past", result.due_text or ""))
                else:
                    result.next_due = due
        if result.level is not None and not result.contacts:
            result.issues.append(Issue("level_without_contact", str(result.level)))
        if not result.main_phrases:
            result.blocking.append(Issue("no_account"))
        return result


_TOKEN_STEPS: dict[str, Callable[[_Builder, list[_Tok], int, _State, int], int]] = {
    "text": _Builder.on_text,
    "account_name": _Builder.on_account_name,
    "contact_name": _Builder.on_contact_name,
    "comma": _Builder.on_comma,
    "date": _Builder.on_date,
    "paren": _Builder.on_paren,
    "stray": _Builder.on_stray,
    "role": _Builder.on_role,
    "contact": _Builder.on_contact,
    "with": _Builder.on_with,
    "channel_with": _Builder.on_with,
    "channel": _Builder.on_channel,
    "level": _Builder.on_level,
    "purpose": _Builder.on_purpose,
    "notes": _Builder.on_notes,
    "account": _Builder.on_account,
    "free": _Builder.on_free,
}

_CONNECTORS = re.compile(
    r"^\s*(?:by|before|on|at|until|due|to)\s+|\s+(?:by|before|on|at|until|due)\s*$|^\s*(?:前|之前|以前)|^\s*[,:]\s*",
    re.I,
)


def _strip_connectors(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _CONNECTORS.sub(" ", text).strip()
    return text


def _shift(expr: DateExpr, offset: int) -> DateExpr:
    return replace(expr, start=expr.start + offset, end=expr.end + offset)


def _clauses(norm: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in re.finditer(r"[;\n\r]", norm):
        if norm[start : m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if norm[start:].strip():
        spans.append((start, len(norm)))
    return spans


def keyword_spans(text: str) -> list[tuple[int, int]]:
    """Where channel words are in `text` ("腾讯会议"): a known name inside one is a weaker
    reading of that name than the same name standing alone elsewhere in the line."""
    norm = text.translate(_FOLD)
    return [m.span() for rule in _RULES if rule.kind == "channel" for m in rule.pattern.finditer(norm)]


def parse_visit(
    text: str, tz: str | None, now: datetime, lang: Lang = "en", names: tuple[Known, ...] = ()
) -> ParsedVisit:
    """Understand a one-line visit. Pure and total: any string gives a ParsedVisit.

    `names` are the spans of names the workspace knows (found by `bot.visits.names`): they
    are read as the account and contacts wherever they are, and never as keywords."""
    original = text if isinstance(text, str) else str(text)
    if len(original) > MAX_TEXT:
        return ParsedVisit(original=original, blocking=[Issue("too_long", str(MAX_TEXT))])
    if not original.strip():
        return ParsedVisit(original=original, blocking=[Issue("empty")])
    norm = original.translate(_FOLD)
    local_now = now.astimezone(zone(tz))
    builder = _Builder(original, norm, local_now, lang, tuple(names))
    for index, (start, end) in enumerate(_clauses(norm)):
        builder.clause(start, end, first=index == 0)
    return builder.finish(now)


def parse_names(text: str) -> list[ParsedContact]:
    """Names typed in a form field: "Zhang Wei (decision maker), 李娜(使用者)" → contacts with
    their role (a bracket that is not a role becomes the title)."""
    contacts: list[ParsedContact] = []
    for raw in re.split(r"[,;\n]", (text or "").translate(_FOLD)):
        bracket = re.search(r"\(([^()]*)\)?", raw)
        inner = bracket.group(1).strip() if bracket else ""
        name = clean_phrase("".join(ch for ch in (raw[: bracket.start()] if bracket else raw) if not _is_symbol(ch)))
        if not name or not is_meaningful(name):
            continue
        role = _role_of(inner) if inner else None
        title = None if role or not is_meaningful(inner) else clean_phrase(inner)[:120]
        contacts.append(ParsedContact(name[:200], role, title))
    return contacts
