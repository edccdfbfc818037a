"""Message catalogs, one module per feature: `MESSAGES = {key: (english, chinese)}`."""
