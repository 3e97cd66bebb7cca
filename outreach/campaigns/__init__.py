"""Campaign files: their format, schedules, content selection, routing, rendering and preview."""
