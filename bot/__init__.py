"""Pipeline Coach's domain: operations, rules, funnel math, rendering to Block Kit and i18n,
grouped by business area. Imports no Slack library and nothing of the runtime, handlers or
scheduler (see ARCHITECTURE.md)."""
