"""VK channel plugin: publish to VK communities, collect engagement, and a fake VK."""
