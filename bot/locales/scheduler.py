"""Strings of the scheduler: check-ins, nudges, decay and stale-deal warnings, `/checkin`, `/coach why`."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sched.alert": (
        ":warning: The scheduled job `{job}` has failed {failures} times in a row, so some check-ins or "
        "reminders may not be going out. Last error: {error}",
        ":warning: 定时任务 `{job}` 已连续失败 {failures} 次,部分打卡或提醒可能没有发出。最近的错误:{error}",
    ),
    "sched.alert.summary": ("Job {job} keeps failing", "任务 {job} 连续失败"),
}
