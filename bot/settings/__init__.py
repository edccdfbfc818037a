"""Workspace settings changed from Slack (`/coach settings`) or the CLI, validated one way and
audited (who, when, old → new); and the workspace's holidays (`/coach holidays`)."""
