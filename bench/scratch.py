"""A scratch database for a benchmark's child process: a fresh SQLite file or a fresh PostgreSQL database
(127.0.0.1:5432, user postgres), named after the benchmark, with development settings (keys of this machine only)."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path


def pg_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def scratch_env(db: str, name: str) -> dict | None:
    """The environment of a child that runs on a new, empty `db` ("sqlite" or "postgres") called kefu_<name>_bench;
    None (and a line saying so) when PostgreSQL does not answer."""
    env = dict(os.environ)
    env.setdefault("KEFU_DEV", "1")  # a scratch database on this machine: development keys are fine
    database = f"kefu_{name}_bench"
    if db == "sqlite":
        path = Path(f"/tmp/{database}.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        env["KEFU_DATABASE_URL"] = f"sqlite:///{path}"
        return env
    if not pg_up():
        print("[postgres] 127.0.0.1:5432 not answering; skipped")
        return None
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {database}"], check=False
    )
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {database}"], check=True)
    env["KEFU_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    return env
