"""Posters, stands, billboards and social cards with QR codes and referral codes."""

from __future__ import annotations

from outreach_local_media.posters.cmyk import ProfileError, profile_problem
from outreach_local_media.posters.composer import Event, PosterContent, Report
from outreach_local_media.posters.layouts import DEFAULT_LAYOUTS, Layout, layouts_from
from outreach_local_media.posters.render import PosterResult, render_poster

__all__ = ["DEFAULT_LAYOUTS", "Event", "Layout", "PosterContent", "PosterResult",
           "ProfileError", "Report", "layouts_from", "profile_problem", "render_poster"]
