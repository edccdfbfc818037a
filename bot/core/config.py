"""Workspace configuration: what admins can change, with the defaults of docs/method.md.

Stored as JSON on the workspace row and always read through `WorkspaceConfig`, so a missing key
means the default and a malformed one is caught here, not in a job at 3 a.m.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from pydantic import BaseModel, Field, field_validator


class FollowUpRules(BaseModel):
    new_lead_hours: float = 5
    min_contacts_before_lost: int = 6
    prospect_decide_visits: int = 3


class LeadRules(BaseModel):
    """Speed to lead: a new lead's first contact is due within `FollowUpRules.new_lead_hours`
    counted only in working hours (`work_start`–`work_end` on working days, in the assignee's
    time zone), so a lead that arrives on Friday evening is not "missed" on Saturday."""

    work_start: str = "09:00"
    work_end: str = "18:00"
    # Routing of inbound leads (bot/leads/routing.py): "creator" (the key's admin), "person",
    # "round_robin" among `route_people`, or "region" (`route_regions`: keyword → Slack user id).
    route_mode: str = "creator"
    route_people: list[str] = Field(default_factory=list)
    route_regions: dict[str, str] = Field(default_factory=dict)
    route_next: int = 0  # round-robin: the index in `route_people` to try first

    @field_validator("work_start", "work_end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        time.fromisoformat(value)
        return value


class Cadence(BaseModel):
    """Days since the last face-to-face meeting at which a relationship is reported.

    `role_thresholds` replaces `thresholds` for the buying roles it names (e.g. purchasers
    checked every 60/180/365 days); key contacts in open deals also get `key_contact_days`.
    """

    thresholds: list[int] = Field(default_factory=lambda: [30, 90, 180, 365])
    key_contact_days: int = 30  # decision makers and coaches in open deals
    key_roles: list[str] = Field(default_factory=lambda: ["decision_maker", "coach"])
    role_thresholds: dict[str, list[int]] = Field(default_factory=dict)


class Schedule(BaseModel):
    checkin_morning: str = "08:45"
    checkin_evening: str = "18:00"
    digest_time: str = "09:00"
    weekly_digest_day: int = 0  # Monday
    recap_day: int = 4  # Friday
    recap_time: str = "16:00"
    quiet_start: str = "08:00"  # messages only between quiet_start and quiet_end
    quiet_end: str = "20:00"
    working_days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4])

    @field_validator("checkin_morning", "checkin_evening", "digest_time", "recap_time", "quiet_start", "quiet_end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        time.fromisoformat(value)
        return value


class LossReason(BaseModel):
    """A win or loss reason; a retired one is no longer offered but still names old deals."""

    key: str
    en: str
    zh: str
    retired: bool = False


DEFAULT_LOSS_REASONS = [
    LossReason(key="price", en="Price", zh="价格"),
    LossReason(key="dm_absent", en="Decision maker absent from the demo", zh="决策人未参加演示"),
    LossReason(key="late_proposal", en="Proposal after a competitor's", zh="提案晚于竞争对手"),
    LossReason(key="budget_unknown", en="Budget unknown", zh="预算不清楚"),
    LossReason(key="process_unknown", en="Buying process unknown", zh="采购流程不清楚"),
    LossReason(key="competitor_relationship", en="Competitor relationship", zh="竞争对手关系"),
    LossReason(key="no_need", en="No need / bad timing", zh="无需求/时机不对"),
    LossReason(key="never_engaged", en="Never engaged (untouched failure)", zh="未接触性失败"),
]

# Why deals are won (DOMAIN.md §7: learn from wins as from losses). Keys differ from the loss
# reasons' so a deal's reasons never read ambiguously.
DEFAULT_WIN_REASONS = [
    LossReason(key="dm_relationship", en="Relationship with the decision maker", zh="与决策人关系好"),
    LossReason(key="value_shown", en="Value shown in the demo / proposal", zh="演示/提案体现了价值"),
    LossReason(key="first_in", en="In before the competitor", zh="先于竞争对手介入"),
    LossReason(key="coach_inside", en="A coach inside the client", zh="客户内部有教练"),
    LossReason(key="need_timing", en="Clear need and timing", zh="需求与时机明确"),
    LossReason(key="terms", en="Price / terms", zh="价格/条款"),
    LossReason(key="referral", en="Referral / repeat customer", zh="转介绍/老客户"),
]


class StageSpec(BaseModel):
    key: str
    en: str
    zh: str
    probability: Decimal
    exit_criteria: list[str] = Field(default_factory=list)
    max_days: int | None = None


BANTCC = ("budget", "authority", "need", "timeline", "competition", "champion")

STAGE_PRESETS: dict[str, list[StageSpec]] = {
    "spadco": [
        StageSpec(key="S", en="Suspect", zh="潜在客户", probability=Decimal("0.05")),
        StageSpec(
            key="P", en="Prospect", zh="有意向客户", probability=Decimal("0.10"), exit_criteria=["need", "timeline"]
        ),
        StageSpec(
            key="A",
            en="Analysis",
            zh="需求分析",
            probability=Decimal("0.25"),
            exit_criteria=["need", "authority"],
            max_days=60,
        ),
        StageSpec(
            key="D",
            en="Demo / proposal",
            zh="演示/提案",
            probability=Decimal("0.50"),
            exit_criteria=["budget", "authority"],
            max_days=45,
        ),
        StageSpec(key="C", en="Close", zh="争取签单", probability=Decimal("0.80"), max_days=30),
        StageSpec(key="O", en="Order", zh="订单执行", probability=Decimal("1.00")),
    ],
    "nine": [
        StageSpec(key="contact", en="Initial contact", zh="初步接触", probability=Decimal("0.05")),
        StageSpec(key="meeting", en="Meeting", zh="见面拜访", probability=Decimal("0.10")),
        StageSpec(key="needs", en="Needs", zh="需求确认", probability=Decimal("0.20")),
        StageSpec(key="demo", en="Value demo & objections", zh="价值呈现与异议处理", probability=Decimal("0.35")),
        StageSpec(key="compete", en="Competition & price", zh="竞争与价格", probability=Decimal("0.50")),
        StageSpec(key="sign", en="Signing", zh="签约", probability=Decimal("0.80"), max_days=30),
        StageSpec(key="payment", en="Payment", zh="回款", probability=Decimal("0.95")),
        StageSpec(key="delivery", en="Delivery / referral", zh="交付与转介绍", probability=Decimal("1.00")),
        StageSpec(key="repeat", en="Repeat purchase", zh="重复购买", probability=Decimal("1.00")),
    ],
    "four": [
        StageSpec(key="interest", en="Interest", zh="兴趣", probability=Decimal("0.10")),
        StageSpec(key="inquiry", en="Inquiry", zh="询价", probability=Decimal("0.30")),
        StageSpec(key="proposal", en="Proposal", zh="方案", probability=Decimal("0.60")),
        StageSpec(key="deal", en="Deal", zh="成交", probability=Decimal("1.00")),
    ],
}


class WorkspaceConfig(BaseModel):
    follow_up: FollowUpRules = Field(default_factory=FollowUpRules)
    leads: LeadRules = Field(default_factory=LeadRules)
    cadence: Cadence = Field(default_factory=Cadence)
    schedule: Schedule = Field(default_factory=Schedule)
    daily_visit_standard: int = 4
    default_currency: str = "CNY"
    default_lang: str = "en"
    loss_reasons: list[LossReason] = Field(default_factory=lambda: list(DEFAULT_LOSS_REASONS))
    win_reasons: list[LossReason] = Field(default_factory=lambda: list(DEFAULT_WIN_REASONS))
    small_sample_closed_deals: int = 20
    stage_preset: str = "spadco"
    manager_sees_checkin_detail: bool = False
    # A Slack status containing one of these (emoji or words, any case) means "away": scheduled
    # messages wait until it is gone (bot/people/away.py).
    away_status_words: list[str] = Field(
        default_factory=lambda: [":palm_tree:", "🌴", "vacation", "holiday", "out of office", "ooo", "休假", "请假"]
    )

    @classmethod
    def load(cls, raw: dict | None) -> WorkspaceConfig:
        return cls.model_validate(raw or {})

    def dump(self) -> dict:
        return self.model_dump(mode="json")
