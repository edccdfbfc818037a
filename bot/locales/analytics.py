"""Strings of the funnel figures shared by App Home, `/pipeline`, the digests and the exports."""

MESSAGES: dict[str, tuple[str, str]] = {
    "analytics.won": ("Won", "赢单"),
    "analytics.count": ("{advanced} of {entered}", "{entered} 个中 {advanced} 个"),
    "analytics.pending": (", {pending} pending", ",{pending} 个待定"),
    "analytics.cell": ("{step} {advanced}/{entered}", "{step} {advanced}/{entered}"),
    "analytics.cell_pending": (" ({pending} pending)", "({pending} 个待定)"),
    "analytics.reading": (
        "Rate = deals that reached the next stage ÷ deals that reached this one in the period (open, won "
        "or lost), shown as reached/entered. Pending: still open and moved within the stage's time limit "
        "(its max days, or {days} days for a stage without one); they count as not reached yet.",
        "转化率 = 期间内到达本阶段的商机(进行中、赢单或丢单)中到达下一阶段的比例,显示为 到达/进入。"
        "待定:仍在进行中、且在该阶段时限内(阶段最多天数,无时限的阶段按 {days} 天)有过推进的商机;"
        "它们计为尚未到达。",
    ),
    "analytics.weakest_rule": (
        "Weakest step: where the rep is furthest below the team, among steps with at least {min} deals "
        "that are not pending; with fewer, only when none went on (e.g. 0 of 6) while the team's did.",
        "最弱环节:在至少有 {min} 个非待定商机的环节中,该成员低于团队最多的一步;商机更少时,"
        "只有在一个都没有推进(如 6 个中 0 个)而团队有推进时才指出。",
    ),
    "analytics.decided_label": (
        "_Decided only_ (second reading: open deals left out, advanced ÷ advanced or lost): {cells}",
        "_仅已定结果_(第二种口径:不计进行中的商机,推进 ÷ 推进或丢单):{cells}",
    ),
}
