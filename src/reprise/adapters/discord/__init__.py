"""The Discord gateway: slash commands, buttons, the now-playing panel and voice (op 4)."""
