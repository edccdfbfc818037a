"""Developer tools: a local fake Slack (Web API and signed requests), the terminal shell that
drives the real app, and the demo workspace."""
