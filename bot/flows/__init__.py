"""Conversation flows on top of the engine: menus, joining, assessing, verifying, privacy."""
