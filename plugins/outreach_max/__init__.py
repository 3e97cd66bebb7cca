"""MAX channel plugin: publish to MAX channels, read views, run the sign-up bot; a fake MAX."""

from __future__ import annotations

from outreach_max.channel import MaxChannel

__all__ = ["MaxChannel"]
