"""Rendering: message texts, embeds and components. No I/O here."""
