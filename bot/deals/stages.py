"""A workspace's funnel stages: lookup by what reps type, and the admin's changes to them.

Stages live in the `stages` table, one row per key. Changing the list (a preset, a custom
list, one edited stage) never deletes a row: a stage that leaves the list is retired
(`is_active` false, ordered after the active ones), so deals sitting in it stay valid, can be
moved out of it, and every stage change that names it still means something.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.access import require_admin
from bot.core.actor import Actor
from bot.core.config import BANTCC, STAGE_PRESETS, StageSpec
from bot.core.i18n import Lang
from bot.core.stages import StageInfo, load_stages
from bot.core.text import normalize
from storage.db import Database
from storage.models import Stage, Workspace

# to_stage values of stage_changes that close a deal; no stage may use them as its key.
TERMINAL = ("won", "lost")
PRESET_NAMES = {"spadco": "spadco", "default": "spadco", "nine": "nine", "9": "nine", "four": "four", "4": "four"}
MAX_STAGES = 20

BANTCC_WORDS: dict[str, str] = {
    "budget": "budget",
    "money": "budget",
    "预算": "budget",
    "authority": "authority",
    "dm": "authority",
    "decision": "authority",
    "decisionmaker": "authority",
    "决策人": "authority",
    "决策": "authority",
    "决策权": "authority",
    "权限": "authority",
    "need": "need",
    "needs": "need",
    "需求": "need",
    "timeline": "timeline",
    "timing": "timeline",
    "时间": "timeline",
    "时间表": "timeline",
    "时机": "timeline",
    "competition": "competition",
    "competitor": "competition",
    "competitors": "competition",
    "竞争": "competition",
    "竞争对手": "competition",
    "champion": "champion",
    "coach": "champion",
    "教练": "champion",
    "内线": "champion",
}


@dataclass
class Funnel:
    """All stages of a workspace: the active ones in order, then the retired ones."""

    stages: list[StageInfo]
    by_key: dict[str, StageInfo] = field(init=False)

    def __post_init__(self) -> None:
        self.by_key = {s.key: s for s in self.stages}

    @property
    def active(self) -> list[StageInfo]:
        return [s for s in self.stages if s.is_active]

    def get(self, key: str | None) -> StageInfo | None:
        return self.by_key.get(key or "")

    def label(self, key: str, lang: Lang) -> str:
        stage = self.get(key)
        return f"{stage.key} · {stage.name(lang)}" if stage else key

    def next_after(self, key: str) -> StageInfo | None:
        active = self.active
        stage = self.get(key)
        if stage is None or not stage.is_active:
            return active[0] if active else None
        later = [s for s in active if s.position > stage.position]
        return later[0] if later else None

    def is_forward(self, from_key: str, to_key: str) -> bool:
        source, target = self.get(from_key), self.get(to_key)
        if source is None or target is None:
            return False
        if not source.is_active:
            return True  # out of a retired stage: judged against everything before the target
        return target.position > source.position

    def required_for(self, from_key: str, to_key: str) -> list[str]:
        """BANTCC items that must hold to move from `from_key` forward to `to_key`: the exit
        criteria of the stage left and of every stage skipped (all stages before the target
        when the deal sits in a retired stage)."""
        source, target = self.get(from_key), self.get(to_key)
        if target is None or not self.is_forward(from_key, to_key):
            return []
        low = source.position if source is not None and source.is_active else -1
        needed: list[str] = []
        for stage in self.active:
            if low <= stage.position < target.position:
                needed.extend(c for c in stage.exit_criteria if c not in needed)
        return needed

    def resolve(self, text: str) -> list[StageInfo]:
        """The stages `text` may mean: by number (1 = first active), key, or name in either
        language; exact matches win, then prefixes, then containment. Retired stages only
        match by exact key or name."""
        raw = text.strip()
        if not raw:
            return []
        active = self.active
        if raw.isdigit():
            index = int(raw)
            return [active[index - 1]] if 1 <= index <= len(active) else []
        query = normalize(raw)
        if not query:
            return []
        for pool in (active, self.stages):
            exact = [s for s in pool if normalize(s.key) == query]
            if exact:
                return exact
            exact = [s for s in pool if query in (normalize(s.name_en), normalize(s.name_zh))]
            if exact:
                return exact
        prefix = [s for s in active if normalize(s.name_en).startswith(query) or normalize(s.name_zh).startswith(query)]
        if prefix:
            return prefix
        if len(query) >= 2:
            return [s for s in active if query in normalize(s.name_en) or query in normalize(s.name_zh)]
        return []


def load_funnel(session: Session, team_id: str) -> Funnel:
    stages = load_stages(session, team_id, include_retired=True)  # by position, then id
    return Funnel(sorted(stages, key=lambda s: not s.is_active))


class StageError(ValueError):
    """An invalid stage definition; `key` is the message, `values` its placeholders."""

    def __init__(self, message_key: str, /, **values: object) -> None:
        super().__init__(message_key)
        self.key = message_key
        self.values = values


def validate_specs(specs: list[StageSpec]) -> None:
    if not specs:
        raise StageError("deal.stages.err_empty")
    if len(specs) > MAX_STAGES:
        raise StageError("deal.stages.err_too_many", limit=MAX_STAGES)
    seen: set[str] = set()
    for spec in specs:
        key = spec.key.strip()
        if not key or len(key) > 32 or not re.fullmatch(r"[\w\-]+", key):
            raise StageError("deal.stages.err_key", key=spec.key[:40])
        if key.lower() in TERMINAL:
            raise StageError("deal.stages.err_reserved", key=key)
        if key.lower() in seen:
            raise StageError("deal.stages.err_duplicate", key=key)
        seen.add(key.lower())
        if not spec.en.strip() or not spec.zh.strip() or len(spec.en) > 80 or len(spec.zh) > 80:
            raise StageError("deal.stages.err_name", key=key)
        if not Decimal(0) <= spec.probability <= Decimal(1):
            raise StageError("deal.stages.err_probability", key=key)
        bad = [c for c in spec.exit_criteria if c not in BANTCC]
        if bad:
            raise StageError("deal.stages.err_criteria", key=key, items=", ".join(bad))
        if spec.max_days is not None and not 1 <= spec.max_days <= 3650:
            raise StageError("deal.stages.err_days", key=key)


def _save_preset_name(session: Session, team_id: str, name: str) -> None:
    from bot.core.config import WorkspaceConfig

    workspace = session.get(Workspace, team_id)
    if workspace is None:
        return
    config = WorkspaceConfig.load(workspace.config)
    config.stage_preset = name
    workspace.config = config.dump()


def apply_stage_list(session: Session, team_id: str, specs: list[StageSpec], preset: str) -> Funnel:
    """Make `specs` the active funnel, in order; retire every other stage, keep all rows."""
    validate_specs(specs)
    rows = {r.key: r for r in session.scalars(select(Stage).where(Stage.team_id == team_id)).all()}
    wanted = {spec.key for spec in specs}
    for position, spec in enumerate(specs):
        row = rows.get(spec.key)
        if row is None:
            row = Stage(team_id=team_id, key=spec.key)
            session.add(row)
        row.position = position
        row.name_en = spec.en.strip()
        row.name_zh = spec.zh.strip()
        row.probability = spec.probability
        row.exit_criteria = list(spec.exit_criteria)
        row.max_days = spec.max_days
        row.is_active = True
    retired = sorted((r for k, r in rows.items() if k not in wanted), key=lambda r: (not r.is_active, r.position))
    for offset, row in enumerate(retired):
        row.is_active = False
        row.position = len(specs) + offset
    _save_preset_name(session, team_id, preset)
    session.flush()
    return load_funnel(session, team_id)


def do_set_stages(db: Database, actor: Actor, specs: list[StageSpec], preset: str = "custom") -> Funnel:
    """Replace the workspace's funnel (admins only). Deals and history are untouched."""
    require_admin(actor)
    with db.transaction() as session:
        return apply_stage_list(session, actor.team_id, specs, preset if preset != "custom" else preset_of(specs))


def do_apply_preset(db: Database, actor: Actor, name: str) -> Funnel:
    preset = PRESET_NAMES.get(name.strip().lower())
    if preset is None:
        raise StageError("deal.stages.err_preset", name=name[:40], presets=", ".join(STAGE_PRESETS))
    return do_set_stages(db, actor, [spec.model_copy() for spec in STAGE_PRESETS[preset]], preset)


def funnel_specs(funnel: Funnel) -> list[StageSpec]:
    return [
        StageSpec(
            key=s.key,
            en=s.name_en,
            zh=s.name_zh,
            probability=s.probability,
            exit_criteria=list(s.exit_criteria),
            max_days=s.max_days,
        )
        for s in funnel.active
    ]


@dataclass
class StageEdit:
    """Changes to one stage from `/coach stages edit KEY …`; None = unchanged."""

    en: str | None = None
    zh: str | None = None
    probability: Decimal | None = None
    exit_criteria: list[str] | None = None
    max_days: int | None = None
    clear_max_days: bool = False


def do_edit_stage(db: Database, actor: Actor, key: str, edit: StageEdit) -> Funnel:
    """Change one active stage's names, probability, exit criteria or day limit (admins)."""
    require_admin(actor)
    with db.transaction() as session:
        funnel = load_funnel(session, actor.team_id)
        matches = [s for s in funnel.active if s.key.lower() == key.strip().lower()] or funnel.resolve(key)
        matches = [s for s in matches if s.is_active]
        if len(matches) != 1:
            raise StageError("deal.stages.err_unknown", key=key[:40])
        specs = funnel_specs(funnel)
        spec = next(s for s in specs if s.key == matches[0].key)
        if edit.en is not None:
            spec.en = edit.en
        if edit.zh is not None:
            spec.zh = edit.zh
        if edit.probability is not None:
            spec.probability = edit.probability
        if edit.exit_criteria is not None:
            spec.exit_criteria = edit.exit_criteria
        if edit.clear_max_days:
            spec.max_days = None
        elif edit.max_days is not None:
            spec.max_days = edit.max_days
        return apply_stage_list(session, actor.team_id, specs, preset_of(specs))


def preset_of(specs: list[StageSpec]) -> str:
    """The preset `specs` are exactly, or 'custom'."""
    for name, preset in STAGE_PRESETS.items():
        if [s.model_dump() for s in preset] == [s.model_dump() for s in specs]:
            return name
    return "custom"


def parse_probability(text: str) -> Decimal | None:
    """'40%', '40', '0.4' → 0.4 (None when not a probability)."""
    raw = text.strip().rstrip("%％")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    if value > 1 or text.strip().endswith(("%", "％")):
        value = value / 100
    return value if Decimal(0) <= value <= Decimal(1) else None


def parse_criteria(text: str) -> list[str] | None:
    """'budget, authority' / '预算 决策人' / '-' (none) → BANTCC keys; None when unknown."""
    words = [w for w in re.split(r"[\s,，、;；/+]+", text.strip().lower()) if w]
    if not words or words in (["-"], ["none"], ["无"]):
        return []
    found: list[str] = []
    for word in words:
        item = BANTCC_WORDS.get(word)
        if item is None:
            return None
        if item not in found:
            found.append(item)
    return found


def stage_lines(funnel: Funnel) -> str:
    """The active funnel as editable lines: `key | English | 中文 | 40% | budget, authority | 45`."""
    lines = []
    for s in funnel.active:
        percent = f"{(s.probability * 100).normalize():f}%"
        criteria = ", ".join(s.exit_criteria) or "-"
        days = str(s.max_days) if s.max_days else "-"
        lines.append(f"{s.key} | {s.name_en} | {s.name_zh} | {percent} | {criteria} | {days}")
    return "\n".join(lines)


def parse_stage_lines(text: str) -> list[StageSpec]:
    """The inverse of `stage_lines`; the first bad line raises `StageError` with its number."""
    specs: list[StageSpec] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        parts = [p.strip() for p in re.split(r"[|｜]", line)]
        if len(parts) < 4:
            raise StageError("deal.stages.err_line", line=number)
        key, en, zh, prob = parts[:4]
        probability = parse_probability(prob)
        criteria = parse_criteria(parts[4]) if len(parts) > 4 else []
        days_text = parts[5] if len(parts) > 5 else "-"
        if probability is None or criteria is None:
            raise StageError("deal.stages.err_line", line=number)
        if days_text in ("", "-"):
            max_days = None
        elif days_text.isdigit():
            max_days = int(days_text)
        else:
            raise StageError("deal.stages.err_line", line=number)
        specs.append(
            StageSpec(key=key, en=en, zh=zh, probability=probability, exit_criteria=criteria, max_days=max_days)
        )
    validate_specs(specs)
    return specs


_EDIT_WORDS = {
    "prob": "probability",
    "probability": "probability",
    "p": "probability",
    "赢率": "probability",
    "概率": "probability",
    "days": "days",
    "max": "days",
    "天数": "days",
    "exit": "exit",
    "criteria": "exit",
    "条件": "exit",
    "推进条件": "exit",
    "name": "en",
    "en": "en",
    "英文": "en",
    "zh": "zh",
    "中文": "zh",
}


def parse_stage_edit(tokens: list[str]) -> tuple[str, StageEdit]:
    """`D prob 40% days 30 exit budget,authority name Demo zh 演示` → ("D", StageEdit)."""
    if len(tokens) < 3:
        raise StageError("deal.stages.err_edit")
    key, rest = tokens[0], tokens[1:]
    edit = StageEdit()
    i = 0
    while i < len(rest):
        field_name = _EDIT_WORDS.get(rest[i].lower())
        if field_name is None:
            raise StageError("deal.stages.err_edit")
        values = []
        i += 1
        while i < len(rest) and rest[i].lower() not in _EDIT_WORDS:
            values.append(rest[i])
            i += 1
        value = " ".join(values).strip()
        if not value:
            raise StageError("deal.stages.err_edit")
        if field_name == "probability":
            edit.probability = parse_probability(value)
            if edit.probability is None:
                raise StageError("deal.stages.err_edit")
        elif field_name == "days":
            if value in ("-", "none", "无"):
                edit.clear_max_days = True
            elif value.isdigit():
                edit.max_days = int(value)
            else:
                raise StageError("deal.stages.err_edit")
        elif field_name == "exit":
            edit.exit_criteria = parse_criteria(value)
            if edit.exit_criteria is None:
                raise StageError("deal.stages.err_edit")
        elif field_name == "en":
            edit.en = value
        else:
            edit.zh = value
    return key, edit
