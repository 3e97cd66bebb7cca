"""Outreach example plugin: a notice board kept in a folder (docs/en/plugins.md)."""
