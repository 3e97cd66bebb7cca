"""Outreach: tell a volunteer centre's story on schedule and trace who it brought in."""

__version__ = "0.1.0"
