"""Campaign files: their format, schedules, content selection, routing and preview."""
