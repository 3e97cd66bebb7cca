"""OK (Odnoklassniki) channel plugin: photo reports to OK groups, their engagement, a fake OK."""

from __future__ import annotations

from outreach_ok.channel import OKChannel

__all__ = ["OKChannel"]
