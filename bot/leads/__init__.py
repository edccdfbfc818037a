"""Leads: `/lead`, `POST /leads`, and speed to lead (first contact within the team's limit)."""
