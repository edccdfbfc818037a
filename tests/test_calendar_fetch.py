"""The calendar reader's guards and matching rules, without Slack: addresses, private networks,
conditional requests, the size limit, the stored secret, names in titles, channels; and the CSV
columns that give contacts their emails and accounts their email domains."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.accounts.matching import accounts_named_in
from bot.calendar import secret
from bot.calendar.events import Attendee, Occurrence
from bot.calendar.fetch import FetchError, fetch, normalize_url
from bot.calendar.match import Directory, channel_of, match
from bot.core.text import normalize
from bot.csv_io.importer import ImportFailed, import_file
from bot.people.members import ensure_person
from storage.db import Database
from storage.models import Account, AccountDomain, Contact
from tests.calendar_world import IcsServer, Route
from tests.conftest import START, TEAM


@pytest.fixture
def ics() -> Iterator[IcsServer]:
    server = IcsServer().start()
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("webcal://p01-caldav.icloud.com/published/2/abc", "https://p01-caldav.icloud.com/published/2/abc"),
        (
            "<https://calendar.google.com/calendar/ical/x/basic.ics>",
            "https://calendar.google.com/calendar/ical/x/basic.ics",
        ),
        (
            "<https://outlook.office365.com/owa/calendar/a/b/calendar.ics|calendar.ics>",
            "https://outlook.office365.com/owa/calendar/a/b/calendar.ics",
        ),
    ],
)
def test_addresses_as_reps_paste_them(typed: str, read: str) -> None:
    assert normalize_url(typed) == read


@pytest.mark.parametrize(
    "typed", ["ftp://example.com/c.ics", "calendar.google.com/x.ics", "https://u:p@example.com/c.ics", "日历"]
)
def test_what_is_not_a_calendar_address(typed: str) -> None:
    with pytest.raises(FetchError) as caught:
        normalize_url(typed)
    assert caught.value.code == "bad_url"


def test_private_addresses_are_refused_unless_allowed(ics: IcsServer) -> None:
    ics.routes["/c.ics"] = Route(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    for url in (ics.url("/c.ics"), ics.url("/c.ics").replace("127.0.0.1", "localhost")):
        with pytest.raises(FetchError) as caught:
            fetch(url, allow_private=False, timeout=1)
        assert caught.value.code == "private_address"
    assert ics.seen == []  # refused before any request was made
    assert fetch(ics.url("/c.ics"), allow_private=True, timeout=1).body is not None


def test_conditional_requests_redirects_and_the_size_limit(ics: IcsServer) -> None:
    ics.routes["/c.ics"] = Route(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", etag='"e1"')
    first = fetch(ics.url("/c.ics"), allow_private=True, timeout=1)
    assert first.etag == '"e1"' and first.body
    again = fetch(ics.url("/c.ics"), etag=first.etag, allow_private=True, timeout=1)
    assert again.body is None and again.etag == '"e1"'
    assert [(s.if_none_match, s.status) for s in ics.seen] == [(None, 200), ('"e1"', 304)]
    ics.routes["/gone.ics"] = Route(status=404)
    with pytest.raises(FetchError) as gone:
        fetch(ics.url("/gone.ics"), allow_private=True, timeout=1)
    assert gone.value.code == "gone"
    ics.routes["/big.ics"] = Route(b"x" * 2000)
    with pytest.raises(FetchError) as big:
        fetch(ics.url("/big.ics"), allow_private=True, timeout=1, max_bytes=1000)
    assert big.value.code == "too_large"


def test_the_stored_address_is_sealed_and_only_a_hint_is_shown() -> None:
    url = "https://calendar.google.com/calendar/ical/ann%40ourco.example/private-5f2e9a/basic.ics"
    sealed = secret.seal(url, "k1")
    assert sealed.startswith("fernet:") and "private-5f2e9a" not in sealed
    assert secret.unseal(sealed, "k1") == url
    with pytest.raises(secret.SecretUnavailable):
        secret.unseal(sealed, "another key")
    assert secret.unseal(secret.seal(url, None), None) == url
    assert secret.hint(url) == "https://calendar.google.com/…"


def test_account_names_in_titles_both_scripts() -> None:
    keys = [(normalize("Ricoh"), 1), (normalize("理光"), 1), (normalize("Ricoh China"), 2), (normalize("Acme"), 3)]
    assert accounts_named_in(keys, "Ricoh – A3 demo") == {1}
    assert accounts_named_in(keys, "理光A3演示") == {1}
    assert accounts_named_in(keys, "QBR with Ricoh China") == {2}  # the longer name wins
    assert accounts_named_in(keys, "Acmex onboarding") == set()  # not a whole word
    assert accounts_named_in(keys, "Team lunch") == set()


def _occurrence(**values: object) -> Occurrence:
    base: dict[str, object] = {
        "uid": "u",
        "occurrence": "20261019T080000Z",
        "title": "Ricoh – A3 demo",
        "starts_at": datetime(2026, 10, 19, 8, tzinfo=UTC),
        "ends_at": datetime(2026, 10, 19, 9, tzinfo=UTC),
        "all_day": False,
        "private": False,
        "cancelled": False,
        "location": "",
        "description": "",
        "organizer": None,
        "attendees": (),
    }
    base.update(values)
    return Occurrence(**base)  # type: ignore[arg-type]


def test_channel_from_the_event() -> None:
    assert channel_of(_occurrence(location="Ricoh Tokyo, 3F")) == "in_person"
    assert channel_of(_occurrence(location="https://teams.microsoft.com/l/meetup-join/1")) == "video"
    assert channel_of(_occurrence(description="Join: https://meet.google.com/abc-defg-hij")) == "video"
    assert channel_of(_occurrence(description="Dial-in: tel:+81312345678")) == "phone"
    assert channel_of(_occurrence(location="理光北京 会议室", description="https://zoom.us/j/1")) == "in_person"


def test_which_events_are_customer_meetings() -> None:
    directory = Directory(
        contacts={"zhang@ricoh.example": (7, 1, "Zhang Wei")},
        domains={"ricoh.example": 1, "haier.example": 2},
        names=[(normalize("Ricoh"), 1), (normalize("Haier"), 2)],
    )
    us, bo = Attendee("ann@ourco.example", ""), Attendee("bo@ourco.example", "Bo")
    zhang, li = Attendee("zhang@ricoh.example", "Zhang"), Attendee("li@ricoh.example", "Li Na")
    found = match(_occurrence(attendees=(us, zhang, li)), directory)
    assert found is not None and found.account_id == 1
    assert found.attendees == [
        {"email": "zhang@ricoh.example", "name": "Zhang Wei", "contact_id": 7},
        {"email": "li@ricoh.example", "name": "Li Na", "contact_id": None},
    ]
    assert match(_occurrence(attendees=(us, bo), organizer=us.email), directory) is None  # internal only
    assert match(_occurrence(private=True, attendees=(zhang,)), directory) is None
    assert match(_occurrence(cancelled=True, attendees=(zhang,)), directory) is None
    assert match(_occurrence(all_day=True, attendees=(zhang,)), directory) is None
    by_title = match(_occurrence(title="Haier kickoff"), directory)
    assert by_title is not None and by_title.account_id == 2
    # The attendees decide over the title: Haier people at a meeting titled "Ricoh".
    other = match(_occurrence(title="Ricoh comparison", attendees=(Attendee("wu@haier.example", "Wu"),)), directory)
    assert other is not None and other.account_id == 2


def test_csv_import_brings_contact_emails_and_account_domains(db: Database) -> None:
    with db.transaction() as session:
        ensure_person(session, TEAM, "UREP", START)
    accounts = '客户名称,别名,邮箱域名\n理光,Ricoh,"ricoh.com; @ricoh.co.jp"\nCanon,佳能,https://www.canon.com/\n'
    import_file(db, TEAM, "accounts", accounts.encode("utf-8-sig"), START)
    contacts = "account,name,email\nRicoh,Zhang Wei,Zhang.Wei@Ricoh.com\nCanon,Li,\n"
    import_file(db, TEAM, "contacts", contacts.encode(), START)
    with db.transaction() as session:
        domains = dict(
            session.execute(
                select(AccountDomain.domain, Account.name).join(Account, Account.id == AccountDomain.account_id)
            ).all()
        )
        emails = dict(session.execute(select(Contact.name, Contact.email)).all())
    assert domains == {"ricoh.com": "理光", "ricoh.co.jp": "理光", "canon.com": "Canon"}
    assert emails == {"Zhang Wei": "zhang.wei@ricoh.com", "Li": None}
    # A domain another account owns, a malformed domain and a malformed email are refused by line.
    with pytest.raises(ImportFailed) as failed:
        import_file(
            db, TEAM, "accounts", b"name,domains\nCanon,canon.com\nXerox,ricoh.com\nSony,not a domain!\n", START
        )
    assert [(e.line, e.key) for e in failed.value.errors] == [(3, "csv.err.domain_taken"), (4, "csv.err.domain")]
    with pytest.raises(ImportFailed) as bad_email:
        import_file(db, TEAM, "contacts", "account,name,邮箱\n理光,王芳,wang at ricoh\n".encode(), START)
    assert [(e.line, e.key) for e in bad_email.value.errors] == [(2, "csv.err.email")]
