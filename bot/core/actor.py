"""Who is acting: the person behind a request, resolved once per request."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import Lang, lang_for


@dataclass(frozen=True, slots=True)
class Actor:
    """The person making a request (or receiving a scheduled message).

    Built by handlers from the request's team and user; passed to every `do_*` operation and
    `access_*` check so permission is decided in one place.
    """

    team_id: str
    user_id: str
    person_id: int
    role: str = "rep"
    tz: str = "UTC"
    locale: str | None = None
    lang_override: str | None = None
    name: str = ""

    @property
    def lang(self) -> Lang:
        return lang_for(self.locale, self.lang_override)

    @property
    def is_manager(self) -> bool:
        return self.role in ("manager", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
