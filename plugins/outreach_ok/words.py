"""The message catalogue's functions, for every module of the plugin.

The plugin API does not export them yet; this is the one place the plugin
reaches the core around it, so the day it does only this import changes.
"""

from __future__ import annotations

from outreach.channels import N_, _, ngettext

__all__ = ["N_", "_", "ngettext"]
