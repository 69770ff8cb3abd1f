"""Backups of the database and restoring them, for SQLite and PostgreSQL.

SQLite: the online backup API of Python's sqlite3 module, which copies a
consistent snapshot while the site keeps running (readers and writers under WAL
just wait for it), into a single self-contained file.
PostgreSQL: pg_dump in its custom format (-Fc), restored by pg_restore --clean in
one transaction, so a failed restore leaves the database as it was.

A backup holds password hashes and live session keys: it is written readable by its
owner only (0600, in a folder of mode 0700), and a file that others can change is never
restored.

Used by manage.py backup_data / restore_data (`make backup`, `make restore`).
"""

import os
import shutil
import sqlite3
import stat
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

BACKUP_MODE = 0o600
BACKUP_DIR_MODE = 0o700
SQLITE_SUFFIX = ".sqlite3"
POSTGRES_SUFFIX = ".pgdump"


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why."""


def vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def default_backup_path(alias: str = "default") -> Path:
    suffix = SQLITE_SUFFIX if vendor(alias) == "sqlite" else POSTGRES_SUFFIX
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BACKUP_ROOT) / f"diemen-sociaal-{stamp}{suffix}"


def backup(target: Path | None = None, *, alias: str = "default") -> Path:
    """Write a backup of the database to target (default: a dated file in BACKUP_ROOT)."""
    target = Path(target) if target else default_backup_path(alias)
    _create_private(target)
    kind = vendor(alias)
    if kind == "sqlite":
        _sqlite_copy(Path(_db(alias)["NAME"]), target)
    elif kind == "postgresql":
        _run(["pg_dump", "--format=custom", "--file", str(target), *_pg_args(alias)], alias)
    else:
        raise BackupError(f"No backup method for the {kind} database.")
    return target


def restore(source: Path, *, alias: str = "default") -> None:
    """Replace everything in the database by the contents of the backup at source."""
    source = Path(source)
    check_restorable(source)
    kind = vendor(alias)
    # Nothing of ours may hold the database open while it is replaced.
    connections[alias].close()
    if kind == "sqlite":
        _check_sqlite_backup(source)
        _sqlite_copy(source, Path(_db(alias)["NAME"]))
    elif kind == "postgresql":
        command = [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *_pg_args(alias, dbname_flag=True),
            str(source),
        ]
        _run(command, alias)
    else:
        raise BackupError(f"No restore method for the {kind} database.")


def check_restorable(source: Path) -> None:
    """Refuse a file that is missing, or that someone other than its owner can change."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    mode = stat.S_IMODE(source.stat().st_mode)
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise BackupError(
            f"{source} can be changed by others (mode {mode:04o}), so it is not restored: "
            f"check where it came from, then `chmod 600 {source}`."
        )


def _create_private(target: Path) -> None:
    """Create (or empty) target readable and writable by its owner only, before any data.

    The folder BACKUP_ROOT is made 0700 when this creates it; an existing folder keeps the
    mode its owner chose.
    """
    if not target.parent.exists():
        target.parent.mkdir(parents=True, mode=BACKUP_DIR_MODE)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, BACKUP_MODE)
    os.close(descriptor)
    # An existing file keeps its mode through os.open; this one must not.
    os.chmod(target, BACKUP_MODE)


def _db(alias: str) -> dict[str, Any]:
    return dict(settings.DATABASES[alias])


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database onto another with the backup API: consistent, in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _check_sqlite_backup(source: Path) -> None:
    """Refuse to restore something that is not a sound backup of this application."""
    try:
        con = sqlite3.connect(source)
        try:
            (result,) = con.execute("PRAGMA quick_check").fetchone()
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
        finally:
            con.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not an SQLite database: {error}") from error
    if result != "ok":
        raise BackupError(f"{source} is damaged: {result}")
    if "django_migrations" not in tables:
        raise BackupError(f"{source} is not a backup of this application.")


def _pg_args(alias: str, *, dbname_flag: bool = False) -> list[str]:
    db = _db(alias)
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--no-password"]
    args += ["--dbname", str(db["NAME"])] if dbname_flag else [str(db["NAME"])]
    return args


def _run(command: list[str], alias: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is missing: install the PostgreSQL client (apt-get install "
            "postgresql-client) in the version of the server or newer."
        )
    env = dict(os.environ)
    password = _db(alias).get("PASSWORD")
    if password:
        env["PGPASSWORD"] = str(password)
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
