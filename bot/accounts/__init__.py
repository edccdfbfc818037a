"""Accounts (客户) and contacts (联系人): creating accounts, finding what a rep means by a name,
and meeting cadence (which relationships are cooling)."""
