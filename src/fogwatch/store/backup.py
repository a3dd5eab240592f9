"""Back up a store to one file and restore it, on either backend, while it is in use.

* SQLite: the sqlite3 online backup API. It copies a consistent snapshot page by page
  while other processes go on reading and writing (a plain file copy of a WAL
  database can miss committed pages still in the -wal file, or tear mid-write). The
  copy is switched out of WAL mode so the backup is one self-contained file, and its
  integrity is checked before it is put in place.
* PostgreSQL: `pg_dump --format=custom` and `pg_restore`, from the same PostgreSQL
  installation as the server where possible (a pg_dump older than the server refuses
  to run). The dump is one consistent snapshot taken in a single transaction.

A backup is written to a temporary name and renamed when complete, so a backup killed
half-way never looks like a good one. A restore goes only into an empty store (or with
`force`, over an existing one) and only from a backup of the same backend: the two
formats are not interchangeable, and saying so beats a cryptic failure half-way.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from fogwatch.store.db import Store, make_engine, normalise_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done, with a reason a person can act on."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    backend: str
    bytes: int
    counts: dict[str, int]


def backend_of(url: str) -> str:
    """'sqlite' or 'postgresql' for a store URL (as `--db` takes it)."""
    name = make_url(normalise_url(url)).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL stores, not {name!r}")
    return name


def backup_kind(path: Path) -> str:
    """Which backend a backup file is for, from its first bytes."""
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a fogwatch backup (neither SQLite nor a pg_dump archive)")


def _counts(url: str) -> dict[str, int]:
    store = Store(make_engine(url))
    try:
        return store.stats()
    finally:
        store.engine.dispose()


def _sqlite_path(url: str) -> Path:
    database = make_url(normalise_url(url)).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite store cannot be backed up or restored")
    return Path(database)


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.partial")


# --------------------------------------------------------------------------- SQLite


def _sqlite_copy(source: sqlite3.Connection, target_path: Path) -> None:
    """Copy `source` into a new single-file database at `target_path`, checked."""
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
        (result,) = target.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise BackupError(f"the copy failed its integrity check: {result}")
    finally:
        target.close()


def _sqlite_backup(url: str, dest: Path) -> None:
    source_path = _sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"no SQLite store at {source_path}")
    # Read-only, so a backup can never create or change the store it reads.
    source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.execute("PRAGMA busy_timeout=30000")
        _sqlite_copy(source, dest)
    finally:
        source.close()


def _sqlite_restore(url: str, src: Path) -> None:
    target_path = _sqlite_path(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (result,) = source.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise BackupError(f"{src} is damaged: {result}")
        tmp = _tmp_name(target_path)
        tmp.unlink(missing_ok=True)
        try:
            _sqlite_copy(source, tmp)
            for suffix in ("-wal", "-shm"):
                Path(f"{target_path}{suffix}").unlink(missing_ok=True)
            os.replace(tmp, target_path)
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        source.close()


# --------------------------------------------------------------------------- PostgreSQL


def pg_tool(name: str) -> str:
    """Path of pg_dump/pg_restore: the server installation's bin dir first, then PATH."""
    from fogwatch.store.throwaway import find_pg_bin

    bin_dir = find_pg_bin()
    if bin_dir is not None and (bin_dir / name).exists():
        return str(bin_dir / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (apt-get install -y postgresql-client)")
    return found


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    """Connection options and environment for the PostgreSQL client tools.

    The password goes in PGPASSWORD, never on the command line, where `ps` shows it.
    """
    parsed: URL = make_url(normalise_url(url))
    args = []
    if parsed.host:
        args += ["--host", parsed.host]
    if parsed.port:
        args += ["--port", str(parsed.port)]
    if parsed.username:
        args += ["--username", parsed.username]
    args += ["--dbname", parsed.database or "postgres", "--no-password"]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return args, env


def _run_tool(cmd: list[str], env: dict[str, str], what: str) -> None:
    try:
        subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, timeout=3600)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or exc.stdout or "").strip().splitlines()
        raise BackupError(f"{what} failed: {detail[-1] if detail else exc}") from exc
    except subprocess.TimeoutExpired as exc:
        raise BackupError(f"{what} did not finish within an hour") from exc


def _pg_backup(url: str, dest: Path) -> None:
    args, env = _pg_args(url)
    cmd = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(dest), *args]
    _run_tool(cmd, env, "pg_dump")


def _pg_restore(url: str, src: Path) -> None:
    args, env = _pg_args(url)
    cmd = [
        pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        *args,
        str(src),
    ]
    _run_tool(cmd, env, "pg_restore")


# --------------------------------------------------------------------------- public


def backup(url: str, dest: Path, force: bool = False) -> BackupResult:
    """Write a backup of the store at `url` to `dest` (refusing to overwrite without force)."""
    backend = backend_of(url)
    dest = Path(dest)
    if dest.exists() and not force:
        raise BackupError(f"{dest} exists; pass --force to overwrite it")
    if not dest.parent.is_dir():
        raise BackupError(f"no directory {dest.parent}")
    tmp = _tmp_name(dest)
    tmp.unlink(missing_ok=True)
    try:
        if backend == "sqlite":
            _sqlite_backup(url, tmp)
        else:
            _pg_backup(url, tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupResult(dest, backend, dest.stat().st_size, _counts(url))


def _is_empty(url: str) -> bool:
    """True when the store has no tables, or none holding a document."""
    engine = make_engine(url)
    try:
        if "documents" not in inspect(engine).get_table_names():
            return True
        return Store(engine).stats()["documents"] == 0
    finally:
        engine.dispose()


def restore(url: str, src: Path, force: bool = False) -> BackupResult:
    """Restore the backup `src` into the store at `url`, then bring its schema up to date.

    The target must be empty (a new SQLite path, or a new PostgreSQL database) unless
    `force` is given, in which case its contents are replaced.
    """
    backend = backend_of(url)
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"no backup file {src}")
    kind = backup_kind(src)
    if kind != backend:
        raise BackupError(f"{src} is a {kind} backup; restore it into a {kind} store")
    if backend == "sqlite":
        exists = _sqlite_path(url).exists()
        if exists and not force and not _is_empty(url):
            raise BackupError("the target store is not empty; pass --force to replace it")
        _sqlite_restore(url, src)
    else:
        if not force and not _is_empty(url):
            raise BackupError("the target store is not empty; pass --force to replace it")
        _pg_restore(url, src)
    Store.open(url).engine.dispose()  # a backup from an older fogwatch gets migrated
    return BackupResult(src, backend, src.stat().st_size, _counts(url))
