"""Text as people read it.

``templates``: the safe template language of campaign posts, and fitting a
post into a channel's limit; ``markdown``: a story's Markdown body as plain
text; ``latin``: Russian in Latin letters for folder names and codes;
``spreadsheets``: CSV cells a spreadsheet shows as text, never runs.
"""
