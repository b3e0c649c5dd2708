"""The migrated template the SQLite test databases are filled from (conftest.py) is keyed by everything the
migrated schema is made of: a change to any of it builds a new template instead of reusing a stale one."""

from __future__ import annotations

from pathlib import Path

import conftest

ROOT = Path(conftest.__file__).parent


def test_the_key_covers_every_migration_and_the_kefu_code_they_run():
    files = conftest.schema_files()
    ours = {p.relative_to(ROOT).as_posix() for p in files if p.is_relative_to(ROOT)}
    migrations = {p.relative_to(ROOT).as_posix() for p in (ROOT / "kefu").rglob("migrations/*.py")}
    assert migrations and migrations <= ours
    # imported by data migrations (module level and inside RunPython functions), and what those import in turn
    assert {
        "kefu/workbench/triggers.py",
        "kefu/workbench/words.py",
        "kefu/audit/crypto.py",
        "kefu/workcal/policy.py",
    } <= ours
    assert any(p.parts[-3:-1] == ("auth", "migrations") for p in files)  # Django's own apps too


def test_the_key_changes_with_a_migration(monkeypatch):
    before = conftest.schema_key()
    assert before == conftest.schema_key()  # the same files give the same key
    real = Path.read_bytes

    def edited(path):
        data = real(path)
        return data + b"\n# changed" if path.name == "0001_initial.py" and "workbench" in path.parts else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert conftest.schema_key() != before
