"""Outreach: tell a volunteer centre's story on schedule and trace who it brought in.

Where things live (each folder holds all of what its name says)::

    channels.py   the plugin API: the one module plugins import
    commands.py   the plugin API for a plugin's own ``outreach`` commands
    errors.py     the one error hierarchy every layer raises; only cli/ turns it into messages
    assets/       files the core ships: fonts, for plugins too
    config/       config.toml, and the TOML reading, checking and secret shapes all files share
    db/           the store: tables, their states, migrations, SQLite and driver failures
    library/      story folders: front matter, import, approval
    media/        photos: checks at import, renditions per channel
    text/         post templates, Markdown as plain text, Latin letters, spreadsheet cells
    campaigns/    campaign files: format, schedules, selection, routing, rendering, preview
    platforms/    the plugged-in platforms: the registry of channels, the sandbox of fakes
    engine/       planning, the outbox, dispatching, collecting, the service
    signups/      the sign-up dialog, referral codes, offline sign-ups, phones, personal data
    stats/        what campaigns and channels earned: figures, funnel, weekly chart
    cli/          the ``outreach`` command, one module per command group
"""

__version__ = "0.1.0"
