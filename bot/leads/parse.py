"""Reading a `/lead` line: company, person, phone or email, source, note, and `for @rep`.

Two shapes, as reps type them:
- commas (either script's): `Contoso, Raj Patel raj@contoso.example, web form, wants a demo`;
  parts are company, person (with phone/email anywhere in the line), source, then the note;
- spaces: `理光 王军 13800000000 来自展会 想了解A3`; words are company, person, source, note.
Phone numbers and emails are picked out wherever they are. `for @rep` / `给 @rep` / `交给 @rep`
names the assignee. A source's leading "from"/"来自" is dropped ("来自展会" → "展会").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.text import mentioned_users

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w@])\+?\d[\d\s-]{5,18}\d(?![\w@])")
FOR_MENTION = re.compile(r"(?:\bfor|交给|给|分配给)\s*<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", re.IGNORECASE)
ANY_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
COMMAS = re.compile(r"\s*[,，、;；]\s*")
SOURCE_PREFIX = re.compile(r"^(?:from\s+|via\s+|来自|来源[:：]?)", re.IGNORECASE)


@dataclass(frozen=True)
class LeadLine:
    company: str
    person: str
    phone: str | None
    email: str | None
    source: str | None
    note: str | None
    assignee_user: str | None


def clean_source(value: str | None) -> str | None:
    """ "来自展会" → "展会", "from web form" → "web form"; None when nothing is left."""
    if not value:
        return None
    text = SOURCE_PREFIX.sub("", value.strip()).strip()
    return text[:80] or None


def parse_lead_line(text: str) -> LeadLine:
    """What the rep typed, split into the lead's fields (empty company/person when missing)."""
    assignee = None
    found = FOR_MENTION.search(text)
    if found:
        assignee = found.group(1)
        text = text[: found.start()] + " " + text[found.end() :]
    elif mentioned_users(text):
        assignee = mentioned_users(text)[0]
    text = ANY_MENTION.sub(" ", text)
    email_match = EMAIL.search(text)
    email = email_match.group(0) if email_match else None
    phone_match = PHONE.search(EMAIL.sub(" ", text))
    phone = re.sub(r"[\s-]", "", phone_match.group(0)) if phone_match else None
    commas = bool(COMMAS.search(text))
    pieces = COMMAS.split(text.strip()) if commas else text.split()
    parts = []
    for piece in pieces:
        rest = " ".join(PHONE.sub(" ", EMAIL.sub(" ", piece)).split())
        if rest or not (EMAIL.search(piece) or PHONE.search(piece)):
            parts.append(rest)  # a part left empty on purpose keeps its place ("Contoso, , web form")
    company = parts[0] if parts else ""
    person = parts[1] if len(parts) > 1 else ""
    source = clean_source(parts[2]) if len(parts) > 2 else None
    note_parts = parts[3:]
    note = (", " if commas else " ").join(p for p in note_parts if p) or None
    return LeadLine(company[:200], person[:200], phone, email, source, note, assignee)
