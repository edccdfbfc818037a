"""Follow-ups (跟进) and nudges: the follow-up rules, overdue items, and the reminder messages."""
