"""Strings of `/contact` (联系人): the contact card and its Edit form."""

MESSAGES: dict[str, tuple[str, str]] = {
    "contact.usage": (
        "Usage: `/contact NAME` (e.g. `/contact Zhang`) · `/contact Zhang W merge into Zhang Wei`",
        "用法:`/contact 姓名`(例如 `/contact 张总`)· `/contact 张 合并到 张伟`",
    ),
    "contact.none_found": (
        "I found no contact called “{name}” on your accounts.",
        "在你的客户里没有找到叫“{name}”的联系人。",
    ),
    "contact.several": ("Several contacts match “{name}”: which one?", "有几个联系人符合“{name}”,是哪一位?"),
    "contact.narrow": ("More match: type more of the name.", "还有更多符合的,请多输入几个字。"),
    "contact.none": ("—", "—"),
    "contact.account": ("Account", "客户"),
    "contact.role": ("Buying role", "采购角色"),
    "contact.title": ("Title", "职务"),
    "contact.department": ("Department", "部门"),
    "contact.level": ("Relationship level", "关系等级"),
    "contact.last_f2f": ("Last face to face", "最近见面"),
    "contact.recent": ("Recent visits", "最近拜访"),
    "contact.cadence.never": (
        "Never met face to face (meet every {days} days).",
        "还没见过面(应每 {days} 天见一次)。",
    ),
    "contact.cadence.ok": (
        "Met {since} days ago: on track (every {days} days).",
        "{since} 天前见过:正常(每 {days} 天)。",
    ),
    "contact.cadence.overdue": (
        "Met {since} days ago: overdue (every {days} days).",
        "{since} 天前见过:已超期(应每 {days} 天见一次)。",
    ),
    "contact.edit": ("Edit", "编辑"),
    "contact.edit_title": ("Edit contact", "编辑联系人"),
    "contact.reason": ("Why (needed when the level changes)", "原因(修改等级时必填)"),
    "contact.reason_hint": ("Kept in the contact's history.", "会记录在联系人的历史里。"),
    "contact.reason_needed": ("Say why the level changes.", "请写明修改等级的原因。"),
    "contact.saved": ("Saved *{name}*.", "已保存 *{name}*。"),
    "contact.merge_which": (
        "Several contacts match “{name}”: {names}. Type the full name.",
        "有几个联系人符合“{name}”:{names}。请输入全名。",
    ),
    "contact.merge_other_account": (
        "Only two different contacts of the same account can be merged.",
        "只能合并同一客户下的两个不同联系人。",
    ),
    "contact.merged": ("Merged *{source}* into *{target}*.", "已将 *{source}* 合并到 *{target}*。"),
}
