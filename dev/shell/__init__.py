"""`pipeline-coach shell`: a terminal chat with the real app and a local fake Slack.

`main.run_shell` wires the pieces; `render` turns Block Kit into readable text with numbered
buttons; `session.Shell` reads commands and drives the app through the same signed Bolt
dispatch and HTTP Web API client as production; `timeparse` reads `:time` arguments.
"""
