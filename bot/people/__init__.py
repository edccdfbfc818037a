"""People and teams: workspaces and their members, installations, sales teams, admin
operations, and when a message may reach a person (hours, holidays, time off)."""
