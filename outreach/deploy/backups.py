"""A centre's whole backup in one file, and its restore into a fresh folder.

One archive (``outreach-<date>_<time>.tar.gz``, mode 0600) holds the
database (SQLite's checked copy, or PostgreSQL's ``pg_dump``), config.toml,
the campaign files and the media library. Tokens are never in it: config.toml
names the environment variables that hold them, and the environment file is
not copied. The newest ``keep`` archives of the folder are kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from outreach.errors import StateError, StoreError
from outreach.i18n import _

if TYPE_CHECKING:
    from outreach.config import Config
    from outreach.db import Store

PREFIX = "outreach-"
SUFFIX = ".tar.gz"
MANIFEST = "outreach-backup.json"
CONFIG = "config.toml"
SQLITE = "database.sqlite"
PG_DUMP = "database.pgdump"
#: The folders an archive holds, by the name they have in it.
FOLDERS = ("media", "campaigns")


@dataclass(frozen=True)
class Restored:
    config: Path
    database: str  # the SQLite file restored, or the PostgreSQL database (its URL, redacted)
    files: int  # media and campaign files


def _folders(config: Config) -> dict[str, Path]:
    return {"media": config.media_dir, "campaigns": config.campaigns_dir}


def create(config: Config, store: Store, into: Path, keep: int, now: dt.datetime) -> Path:
    """Write a backup archive into ``into`` and delete all but the newest ``keep`` there."""
    if config.path is None:
        raise StateError(_("a backup needs a config.toml to copy"))
    into.mkdir(parents=True, exist_ok=True, mode=0o700)
    archive = into / f"{PREFIX}{now:%Y-%m-%d_%H%M%S}{SUFFIX}"
    partial = archive.with_name(archive.name + ".partial")
    with tempfile.TemporaryDirectory(dir=into) as work:
        if store.is_sqlite:
            database = Path(work) / SQLITE
            store.backup(database)
            made_by = None
        else:
            database = Path(work) / PG_DUMP
            made_by = _client_major("pg_dump")
            server = _server_major(store)
            if made_by < server:  # pg_dump refuses a newer server, in English
                raise StoreError(_("pg_dump is of PostgreSQL {client} and cannot copy the "
                                   "database of the newer PostgreSQL {server}; install its "
                                   "client: sudo apt install postgresql-client-{server}")
                                 .format(client=made_by, server=server))
            _run(["pg_dump", "--format=custom", f"--file={database}"], store.url)
        manifest = Path(work) / MANIFEST
        manifest.write_text(json.dumps({"format": 1, "created_at": now.isoformat(),
                                        "database": database.name, "pg_dump": made_by}),
                            encoding="utf-8")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(manifest, MANIFEST)
            tar.add(config.path, CONFIG)
            tar.add(database, database.name)
            for name, folder in _folders(config).items():
                if folder.is_dir():
                    tar.add(folder, name, filter=_leave_out(into, name, folder))
    os.replace(partial, archive)
    for old in sorted(into.glob(f"{PREFIX}*{SUFFIX}"))[:-keep or None]:
        old.unlink()
    return archive


def _leave_out(into: Path, name: str, folder: Path) -> Any:
    """A tar filter that leaves out the backups folder, should it sit in ``folder``."""
    backups = into.resolve()

    def keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        path = (folder / PurePosixPath(info.name).relative_to(name)).resolve()
        return None if path == backups or path.is_relative_to(backups) else info

    return keep


def restore(archive: Path, into: Path, database_url: str | None = None) -> Restored:
    """Unpack ``archive`` into the empty or new folder ``into``: config, files, database.

    The database goes where the restored config.toml's database_url points, or
    to ``database_url`` (written into the restored config.toml then): an SQLite
    file (never over an existing one), or the PostgreSQL database, emptied
    first by ``pg_restore --clean``.
    """
    from outreach.config import load_config
    from outreach.db import redact_url

    if into.exists() and any(into.iterdir()):
        raise StateError(_("{folder} is not empty; restore into a new folder").format(
            folder=into))
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise StateError(_("{file} is not an Outreach backup: {reason}").format(
            file=archive, reason=exc)) from None
    with tar, tempfile.TemporaryDirectory() as work:
        names = tar.getnames()
        if MANIFEST not in names or CONFIG not in names:
            raise StateError(_("{file} is not an Outreach backup (no {manifest})").format(
                file=archive, manifest=MANIFEST))
        tar.extractall(work, filter="data")
        unpacked = Path(work)
        into.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copyfile(unpacked / CONFIG, into / CONFIG)
        if database_url is not None:
            _name_database(into / CONFIG, database_url)
        config = load_config(into / CONFIG)
        files = 0
        for name, folder in _folders(config).items():
            for source in sorted((unpacked / name).rglob("*")):
                if source.is_file():
                    target = folder / source.relative_to(unpacked / name)
                    if target.exists():
                        raise StateError(_("{path} exists already; nothing is restored over "
                                            "it").format(path=target))
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, target)
                    files += 1
        manifest = json.loads((unpacked / MANIFEST).read_text(encoding="utf-8"))
        database = unpacked / PurePosixPath(manifest["database"]).name
        url = config.database_url
        if database.name == SQLITE:
            from outreach.db import urls

            target = Path(urls.parse(url).database or "")
            if not url.startswith("sqlite") or target.exists():
                raise StoreError(_("the database at {url} exists already; nothing is "
                                   "restored over it").format(url=redact_url(url)))
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as copy, database.open("rb") as original:
                shutil.copyfileobj(original, copy)
            shown = str(target)
        else:
            made_by, client = manifest.get("pg_dump"), _client_major("pg_restore")
            if isinstance(made_by, int) and client < made_by:
                raise StoreError(_("the backup was made by pg_dump of PostgreSQL {made_by}, "
                                   "which pg_restore of PostgreSQL {client} cannot read; "
                                   "install the newer client: sudo apt install "
                                   "postgresql-client-{made_by}").format(made_by=made_by,
                                                                         client=client))
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", str(database)], url)
            shown = redact_url(url)
    return Restored(config=into / CONFIG, database=shown, files=files)


def _name_database(config: Path, url: str) -> None:
    """Point the restored config.toml's top-level database_url at ``url``."""
    from outreach.config.tomlfile import dump_line

    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    line = dump_line("database_url", url) + "\n"
    for number, text in enumerate(lines):
        if text.lstrip().startswith("["):
            break  # the top level ends at the first table
        if text.split("=", 1)[0].strip() == "database_url":
            lines[number] = line
            break
    else:
        lines.insert(0, line)
    config.write_text("".join(lines), encoding="utf-8")


def _client_major(program: str) -> int:
    """The PostgreSQL major version of ``program`` ("pg_dump (PostgreSQL) 15.20" is 15)."""
    import re

    try:
        said = subprocess.run([program, "--version"], capture_output=True, text=True,
                              timeout=60).stdout
    except FileNotFoundError:
        raise StoreError(_("{program} is not installed: sudo apt install postgresql-client")
                         .format(program=program)) from None
    found = re.search(r"(\d+)(?:\.\d+)?", said)
    if found is None:
        raise StoreError(_("{program} did not say its version: {said}").format(
            program=program, said=said.strip()[:80]))
    return int(found.group(1))


def _server_major(store: Store) -> int:
    from outreach.db.failures import reaching

    with reaching(store.url), store.engine.connect() as connection:
        version = connection.dialect.server_version_info or (0,)
    return int(version[0])


def _run(command: list[str], url: str) -> None:
    """Run a PostgreSQL client program on the database at ``url``; its password stays out
    of the command line (other users can read that) and goes in its environment."""
    from outreach.db import urls

    given = urls.parse(url)
    env = {**os.environ, "PGPASSWORD": given.password or os.environ.get("PGPASSWORD", "")}
    # libpq takes the plain scheme; the last argument is the database to connect to.
    target = given.for_libpq().render(hide_password=False)
    option = "--dbname=" if command[0] == "pg_restore" else ""
    try:
        done = subprocess.run([*command[:1], f"{option}{target}", *command[1:]], env=env,
                              capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise StoreError(_("{program} is not installed: sudo apt install postgresql-client")
                         .format(program=command[0])) from None
    if done.returncode != 0:
        from outreach.config.secrets import mask_tokens

        if "version mismatch" in done.stderr or "unsupported version" in done.stderr:
            raise StoreError(_("{program} does not suit this PostgreSQL's version; install the "
                               "client of the server's version (sudo apt install "
                               "postgresql-client-<version>, docs/deploy.md): {reason}").format(
                program=command[0], reason=" ".join(done.stderr.split())[-200:]))
        said = done.stderr.strip().splitlines()
        raise StoreError(_("{program} failed: {reason}").format(
            program=command[0], reason=mask_tokens(said[-1] if said else "?")))
