"""Storage: models, the database handle, migrations and set-based queries. Imports no Slack."""
