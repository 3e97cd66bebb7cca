"""The SQLite file: never replaced, erased data really gone, all-or-nothing migrations,
backups, and a full disk — as an operator whose laptop died would meet them."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from outreach.db import Store, head_revision, open_store, sqlite
from outreach.db.models import Photo, SignUp, Story, utcnow
from outreach.errors import DatabaseDamaged, StoreError
from outreach.signups.records import forget

PHONE = "+79001234567"
NAME = "Анна Петровна Иванова"


@pytest.fixture
def secure_delete_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite as most builds ship it: secure_delete off unless asked (Debian's is on)."""
    connect = sqlite3.connect

    def plain_build(*args: object, **kwargs: object) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)  # type: ignore[arg-type]
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    monkeypatch.setattr(sqlite3, "connect", plain_build)


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


# --- erased means erased ------------------------------------------------------------------


def test_every_connection_the_store_makes_zeroes_what_it_deletes(
        tmp_path: Path, secure_delete_off_by_default: None) -> None:
    path = tmp_path / "outreach.db"
    store = open_store(_url(path))
    migrating = sqlite.migration_engine(_url(path), path)
    try:
        # Several at once, so the pool opens several.
        connections = [store.engine.connect() for _ in range(3)] + [migrating.connect()]
        try:
            found = [c.exec_driver_sql("PRAGMA secure_delete").scalar() for c in connections]
        finally:
            for connection in connections:
                connection.close()
        assert found == [1, 1, 1, 1]
        # The fixture does what it says: a connection of the store's making is needed.
        assert sqlite3.connect(path).execute("PRAGMA secure_delete").fetchone() == (0,)
    finally:
        migrating.dispose()
        store.dispose()


def _signups(store: Store) -> int:
    now = utcnow()
    with store.session() as session:
        for number in range(40):  # neighbours on the same pages
            session.add(SignUp(created_at=now, source="offline", status="completed",
                               name=f"Волонтёр {number}", phone=f"+7901{number:07d}",
                               municipality="Миасс"))
        person = SignUp(created_at=now, source="telegram", status="completed", name=NAME,
                        phone=PHONE, person="telegram:5550001", municipality="Миасс",
                        interests="наставничество", dialog={"step": "done", "name": NAME})
        session.add(person)
        session.flush()
        assert person.id is not None
        return person.id


def _files_holding(path: Path, data: str) -> list[str]:
    return [file.name for file in (path, Path(f"{path}-wal"))
            if file.exists() and data.encode() in file.read_bytes()]


def test_a_forgotten_person_s_phone_and_name_leave_the_database_files(
        tmp_path: Path, secure_delete_off_by_default: None) -> None:
    path = tmp_path / "outreach.db"
    store = open_store(_url(path))
    try:
        signup_id = _signups(store)
        with store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        assert _files_holding(path, PHONE) == ["outreach.db"]  # the guard guards something

        with store.session() as session:
            forget(session, signup_id)
        store.purge_erased()

        assert _files_holding(path, PHONE) == []
        assert _files_holding(path, NAME) == []
        assert _files_holding(path, "telegram:5550001") == []
        with store.session() as session:
            row = session.get(SignUp, signup_id)
            assert row is not None and (row.status, row.municipality) == ("forgotten", "Миасс")
            assert session.exec(sa.select(sa.func.count()).select_from(SignUp)).scalar() == 41
    finally:
        store.dispose()


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_forget_on_postgresql_rewrites_the_signup_table(store_url: str) -> None:
    store = open_store(store_url)
    try:
        signup_id = _signups(store)
        relation = sa.text("SELECT pg_relation_filenode('signup')")
        with store.engine.connect() as connection:
            before = connection.execute(relation).scalar()
        with store.session() as session:
            forget(session, signup_id)
        store.purge_erased()  # VACUUM runs outside the session's transaction
        with store.engine.connect() as connection:
            after = connection.execute(relation).scalar()
            dead = connection.execute(sa.text(
                "SELECT count(*) FROM signup WHERE phone = :p OR name = :n"),
                {"p": PHONE, "n": NAME}).scalar()
        # VACUUM FULL wrote a new file without the old row versions; plain VACUUM
        # would only have marked their space free, the bytes still in it.
        assert after != before and dead == 0
    finally:
        store.dispose()


# --- a file that is there is never replaced ---------------------------------------------


def test_an_empty_file_is_reported_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "outreach.db"
    path.touch()
    with pytest.raises(DatabaseDamaged) as caught:
        open_store(_url(path))
    assert str(caught.value) == (
        f"the database file {path} is empty (0 bytes) and holds no Outreach data: restore it "
        'from a backup as "Backups" in the README says, or delete the empty file to start a '
        "new database")
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outreach.db"]


def test_a_file_that_is_not_sqlite_is_reported_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "outreach.db"
    path.write_bytes(b"\x00" * 8192)  # a file whose first pages were lost
    with pytest.raises(DatabaseDamaged, match=r"^the database file .*outreach\.db is not an "
                       r"SQLite database, or its first page is damaged: restore it"):
        open_store(_url(path))
    assert path.read_bytes() == b"\x00" * 8192


def test_a_folder_or_an_unreadable_file_is_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "outreach.db"
    folder.mkdir()
    with pytest.raises(StoreError, match=r"outreach\.db is a folder; the setting database_url "
                       "must name a file"):
        open_store(_url(folder))

    path = tmp_path / "other.db"
    open_store(_url(path)).dispose()
    before = path.read_bytes()
    real_open = open

    def refused(file: object, *args: object, **kwargs: object) -> object:
        if file == path:
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", refused)
    with pytest.raises(StoreError) as caught:
        open_store(_url(path))
    monkeypatch.undo()
    assert str(caught.value) == (f"cannot read the database file {path}: Permission denied; "
                                 "check its owner and permissions (Outreach never replaces it)")
    assert path.read_bytes() == before


def test_a_missing_folder_names_the_setting_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "data" / "outreach.db"
    with pytest.raises(StoreError) as caught:
        open_store(_url(path))
    assert str(caught.value) == (
        f"cannot open the database sqlite:///{path}: the folder {path.parent} does not exist; "
        "create it, or correct the setting database_url in the config")
    assert not path.parent.exists()


def test_workers_creating_the_database_together_never_see_it_empty(tmp_path: Path) -> None:
    path = tmp_path / "outreach.db"
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def open_it() -> None:
        start.wait()
        try:
            Store(_url(path)).dispose()
        except BaseException as exc:  # noqa: BLE001  (collected for the assertion)
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert path.read_bytes()[:16] == sqlite.HEADER
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outreach.db"]


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """``folder`` as a disk mounted read-only (root), or a folder and file not ours to write.

    Root writes anything but a read-only mount; where root may not mount (a
    container without the right), access(2) is made to answer as it would there.
    """
    if os.geteuid() != 0:
        for part in (*folder.iterdir(), folder):
            part.chmod(0o555 if part.is_dir() else 0o444)
        try:
            yield
        finally:
            for part in (folder, *folder.iterdir()):
                part.chmod(0o755 if part.is_dir() else 0o644)
        return
    saved = {p.name: p.read_bytes() for p in folder.iterdir()}
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                           capture_output=True)
    if mount.returncode != 0:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(os, "access", lambda path, mode, **_: not mode & os.W_OK)
            yield
        return
    try:
        for name, data in saved.items():
            (folder / name).write_bytes(data)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_database_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "centre"
    folder.mkdir()
    path = folder / "outreach.db"
    store = open_store(_url(path))
    _stories(store, 3)
    store.dispose()
    with _read_only(folder), pytest.raises(StoreError) as caught:
        open_store(_url(path))
    assert str(caught.value) == (
        f"cannot write the database file {path}: it is read-only (a disk mounted "
        "read-only, a file or folder you may not write, or a read-only server)")
    store = open_store(_url(path))  # and it was left as it was
    try:
        assert store.check()
    finally:
        store.dispose()


# --- migrations: all or nothing ----------------------------------------------------------

# Applies the migrations after 0004 in a process that is killed (SIGKILL, as a power cut
# would stop it) right after 0005 has created its first table.
CUT_SHORT = """
import os, signal, sys
from alembic.operations import Operations
from outreach.db import open_store
store = open_store(sys.argv[1], migrate=False)
store.upgrade("0004")
made = Operations.create_table
def create_then_die(self, *args, **kwargs):
    made(self, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
Operations.create_table = create_then_die
store.upgrade()
"""


def _schema(url: str) -> tuple[set[str], set[str], str | None]:
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        tables = set(inspector.get_table_names())
        columns = {c["name"] for c in inspector.get_columns("signup")}
        with engine.connect() as connection:
            version = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
            return tables, columns, version.scalar()
    finally:
        engine.dispose()


def test_a_migration_cut_short_leaves_the_schema_as_it_was(store_url: str) -> None:
    process = subprocess.run([sys.executable, "-c", CUT_SHORT, store_url], capture_output=True,
                             text=True, cwd=Path(__file__).parent.parent, timeout=120)
    assert process.returncode == -signal.SIGKILL, process.stderr

    tables, columns, version = _schema(store_url)
    assert version == "0004"
    # 0005 adds sign-up columns (SQLite: by copying the table) and then audiencejoin:
    # nothing of it stays, not even the copy.
    assert "audiencejoin" not in tables
    assert not {t for t in tables if t.startswith("_alembic_tmp")}
    assert "phone" not in columns

    store = open_store(store_url)  # and the next start applies it whole
    try:
        assert store.current_revision() == head_revision()
        assert store.check()
    finally:
        store.dispose()


def test_a_schema_change_left_half_done_is_refused(tmp_path: Path) -> None:
    """An older Outreach committed each step: what it left behind is found, not built on."""
    url = _url(tmp_path / "outreach.db")
    store = open_store(url, migrate=False)
    store.upgrade("0004")
    with store.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE _alembic_tmp_signup (id INTEGER)")
    store.dispose()
    with pytest.raises(DatabaseDamaged, match="holds a schema change cut short "
                       r"\(_alembic_tmp_signup is left from it\).*restore it from a backup"):
        open_store(url)
    assert _schema(url)[2] == "0004"


# --- backups ------------------------------------------------------------------------------


def _stories(store: Store, count: int, start: int = 0) -> None:
    now = utcnow()
    with store.session() as session:
        for number in range(start, start + count):
            session.add(Story(kind="story", title=f"История {number}", body="Текст. " * 200,
                              status="draft", tags=[], source_folder=f"/media/{number}",
                              content_hash="0" * 64, created_at=now, updated_at=now))


def test_a_backup_taken_while_the_service_writes_is_consistent_and_private(
        tmp_path: Path) -> None:
    store = open_store(_url(tmp_path / "outreach.db"))
    _stories(store, 50)
    writing = threading.Event()
    stop = threading.Event()

    def service() -> None:  # keeps writing, in transactions of 10 stories
        batch = 100
        while not stop.is_set():
            _stories(store, 10, batch)
            batch += 10
            writing.set()

    writer = threading.Thread(target=service)
    writer.start()
    try:
        writing.wait(10)
        target = tmp_path / "backups" / "monday.db"
        target.parent.mkdir()
        size = store.backup(target)
    finally:
        stop.set()
        writer.join()
        store.dispose()
    assert size == target.stat().st_size > 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA quick_check").fetchone() == ("ok",)
        count = copy.execute("SELECT count(*) FROM story").fetchone()[0]
    finally:
        copy.close()
    # Whole transactions only: the 50 first stories and whole batches of 10.
    assert count >= 50 and count % 10 == 0
    assert sorted(p.name for p in target.parent.iterdir()) == ["monday.db"]


def test_a_backup_never_overwrites_unless_forced(tmp_path: Path) -> None:
    store = open_store(_url(tmp_path / "outreach.db"))
    try:
        target = tmp_path / "backup.db"
        target.write_text("last week's backup")
        with pytest.raises(StoreError, match=r"backup\.db already exists; name another file, "
                           "or add --force to replace it"):
            store.backup(target)
        assert target.read_text() == "last week's backup"
        store.backup(target, force=True)
        assert target.read_bytes()[:16] == sqlite.HEADER
        with pytest.raises(StoreError, match="the folder .*nowhere does not exist"):
            store.backup(tmp_path / "nowhere" / "backup.db")
        with pytest.raises(StoreError, match="is the database itself"):
            store.backup(tmp_path / "outreach.db", force=True)
    finally:
        store.dispose()


def test_postgresql_backups_are_pg_dump_s_job(tmp_path: Path) -> None:
    store = Store("postgresql+psycopg://centre:s3cret@db.example.org:5432/outreach")
    try:
        with pytest.raises(StoreError) as caught:
            store.backup(tmp_path / "outreach.dump")
    finally:
        store.dispose()
    assert str(caught.value) == (
        "outreach db backup copies SQLite files; back up this PostgreSQL database with: "
        f"pg_dump --format=custom --file={tmp_path / 'outreach.dump'} "
        "postgresql://centre@db.example.org:5432/outreach")


# --- a full disk --------------------------------------------------------------------------


def _story_folder(root: Path, name: str) -> Path:
    from PIL import Image

    folder = root / name
    folder.mkdir(parents=True)
    Image.new("RGB", (64, 48), "white").save(folder / "01.jpg")
    (folder / "story.md").write_text(
        f'+++\ntitle = "Отчёт {name}"\nkind = "photo-report"\ndate = 2026-10-14\n'
        '[consent]\nrecorded_by = "Ирина"\nrecorded_at = 2026-10-14\n'
        '[[photos]]\nfile = "01.jpg"\ncaption = "Подпись"\n+++\n' + "Текст отчёта. " * 400,
        encoding="utf-8")
    return folder


def test_a_full_disk_stops_the_import_with_the_store_consistent(tmp_path: Path) -> None:
    from outreach.library.importer import import_paths

    path = tmp_path / "outreach.db"
    store = open_store(_url(path))
    media = tmp_path / "media"
    for number in range(30):
        _story_folder(media, f"s{number:02d}")
    with store.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
    store.engine.dispose()

    # SQLite answers a write past max_page_count exactly as it answers ENOSPC.
    @sa.event.listens_for(store.engine, "connect")
    def _small_disk(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 12}")

    try:
        with pytest.raises(StoreError) as caught:
            import_paths(store, [media])
        message = str(caught.value)
        assert message.startswith(f"{media}/s")
        assert (f"was not imported: cannot write the database file {path}: the disk is "
                "full; free some space on it, then try again") in message
        with store.session() as session:
            stories = session.exec(sa.select(Story)).scalars().all()
            photos = session.exec(sa.select(Photo)).scalars().all()
        assert 0 < len(stories) < 30
        assert message.endswith(f"the {len(stories)} stories imported before it are stored")
        # Whole stories only: each with its photo, none half-stored.
        assert sorted(p.story_id for p in photos) == sorted(s.id for s in stories)
        assert store.check()
    finally:
        store.dispose()


def test_signups_forget_leaves_no_trace_in_the_files(
        tmp_path: Path, secure_delete_off_by_default: None) -> None:
    from click.testing import CliRunner

    from outreach.cli import cli

    path = tmp_path / "outreach.db"
    config = tmp_path / "config.toml"
    config.write_text(f'database_url = "sqlite:///{path}"\n', encoding="utf-8")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--config", str(config), *args])
        assert result.exit_code == 0, result.output
        return result.output

    # The service runs meanwhile: its open connection keeps the write-ahead log in use.
    service = open_store(_url(path))
    try:
        with service.engine.connect() as connection:
            connection.exec_driver_sql("SELECT count(*) FROM signup").scalar()
            run("signups", "add", "--name", NAME, "--phone", "8 900 123 45 67",
                "--municipality", "Миасс", "--unattributed")
            assert _files_holding(path, PHONE) != []
            run("signups", "forget", "1")
            assert _files_holding(path, PHONE) == [] and _files_holding(path, NAME) == []
    finally:
        service.dispose()
