"""CSV in and out: the spreadsheets teams already keep (accounts, contacts) come in; visits and
deals go out, for the CLI and as a file in Slack for managers."""
