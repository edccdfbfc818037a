"""Strings of a rep's records: the visit history (`/visit list …`) and corrections."""

MESSAGES: dict[str, tuple[str, str]] = {
    "visit.history.title": ("Visits {first}–{last} of {total}", "拜访 第 {first}–{last} 条,共 {total} 条"),
    "visit.history.empty": ("No visits match.", "没有符合条件的拜访。"),
    "visit.history.filter_name": ("account or contact: {name}", "客户或联系人:{name}"),
    "visit.history.filter_rep": ("rep: {name}", "销售:{name}"),
    "visit.history.filter_since": ("since {day}", "自 {day} 起"),
    "visit.history.edit": ("Edit", "编辑"),
    "visit.history.delete": ("Delete", "删除"),
    "visit.history.more": ("Show {count} more", "再显示 {count} 条"),
    "visit.history.no_rep": (
        "I don't know a rep called “{name}” in your team.",
        "你的团队里没有叫“{name}”的销售。",
    ),
    "visit.history.not_your_rep": (
        "{name} is not in your team, so you can't see their visits.",
        "{name} 不在你的团队里,你看不到 TA 的拜访。",
    ),
    "visit.delete.confirm_title": ("Delete this visit?", "删除这次拜访?"),
    "visit.delete.confirm_text": (
        "Its follow-ups go and its contacts' levels and last meetings are recomputed. The change is kept "
        "in the visit's history.",
        "它的跟进会被删除,联系人的关系等级和最近见面时间会重新计算。这次修改会记录在拜访的历史里。",
    ),
    "visit.delete.confirm_yes": ("Delete", "删除"),
    "visit.delete.done": (
        "Deleted: the visit to *{account}* (kept in the history of changes).",
        "已删除:对 *{account}* 的拜访(修改记录已保留)。",
    ),
    "visit.change.not_allowed": (
        "Only the rep who logged a visit, or the account owner's manager, can change it.",
        "只有记录这次拜访的人或客户负责人的经理可以修改它。",
    ),
    "deal.rename.done": ("Renamed *{old}* to *{title}*.", "已将 *{old}* 改名为 *{title}*。"),
    "deal.rename.empty": (
        'Give the new name in quotes: `/deal Ricoh copiers rename "A3 copiers"`',
        '请用引号写新名称:`/deal 理光 复印机 改名 "A3 复印机"`',
    ),
    "deal.owner.done": ("*{title}* now belongs to {name}.", "*{title}* 现在由 {name} 负责。"),
}
