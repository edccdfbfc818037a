"""Meetings become visits (issue 20): a rep's private ICS calendar prompts the visit log.

- `secret`: the calendar address is a secret (Fernet when SECRET_KEY is set; never shown in full).
- `fetch`: a guarded HTTP read (no private networks, timeout, size limit, conditional requests).
- `events`: the occurrences in a time window (icalendar + recurring-ical-events).
- `match`: which occurrences are customer meetings (attendee emails, account domains, names).
- `ops`: connect, disconnect, read a calendar, and what the prompts and their buttons do.
- `render`: the messages, in both languages.
"""
