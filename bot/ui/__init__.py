"""Rendering helpers: Block Kit as plain dicts within Slack's documented limits, replies, charts."""
