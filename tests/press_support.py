"""A project folder with a press channel, as the poster and press-kit CLI tests use it."""

from __future__ import annotations

from pathlib import Path


def write_press_config(folder: Path, store_url: str, *, logo: str | None = None) -> Path:
    """config.toml with the centre, two municipalities and a local-media channel "press"
    serving the newspaper «Миасский рабочий»."""
    path = folder / "config.toml"
    path.write_text(
        f'database_url = "{store_url}"\n'
        'municipalities = ["Миасс", "Златоуст"]\n'
        "[centre]\n"
        'name = "Серебряные волонтёры"\nphone = "+7 (351) 000-00-00"\n'
        + (f'logo = "{logo}"\n' if logo else "")
        + "[channels.press]\n"
        'plugin = "local-media"\n'
        'signup_url = "https://t.me/silver_bot?start={code}"\n'
        'outlets = ["Миасский рабочий"]\n',
        encoding="utf-8")
    return path
