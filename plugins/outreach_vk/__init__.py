"""VK channel plugin: publish to VK communities, collect engagement, and a fake VK."""

from __future__ import annotations

from outreach_vk.channel import VKChannel

__all__ = ["VKChannel"]
