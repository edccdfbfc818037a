"""A rep's own records looked up and corrected from Slack (contacts; built on accounts and visits)."""
