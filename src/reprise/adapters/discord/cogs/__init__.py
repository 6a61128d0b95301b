"""Slash commands grouped by topic; each body parses, sends one command and renders."""
