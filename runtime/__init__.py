"""The runtime: the Bolt app wiring, the CLI, the HTTP server, the worker and its spool, the
listener executor and logging. It joins Slack, `handlers/`, `scheduler/` and `bot/`."""
