"""Shared fixtures: role users, API clients, and a real Chromium driven by Playwright."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).parent / "artifacts" / "screenshots"
PASSWORD = "test-pass-123"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """PBKDF2 at production strength costs ~0.5 s a user on this machine; tests create hundreds."""
    from django.conf import settings
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


def _post_migrate_receivers() -> set:
    import weakref

    from django.db.models.signals import post_migrate

    found = set()
    for entry in post_migrate.receivers:
        receiver = entry[1]
        found.add(receiver() if isinstance(receiver, weakref.ReferenceType) else receiver)
    return found


@pytest.fixture(autouse=True, scope="session")
def _fast_flush_restore():
    """After each transactional test Django flushes every table and sends post_migrate, whose only receivers here
    recreate the content types and permissions: ~80 queries, most of the flush's cost, paid by every browser test
    and every schemathesis operation. The rows they recreate never change within a run, so after the first real
    post_migrate on a database the same rows (same ids) are put back with two bulk inserts instead. Any other
    post_migrate receiver (an app adding one) turns this off and the signal is sent as usual."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.commands import flush

    original = flush.emit_post_migrate_signal
    snapshots: dict[str, tuple[list, list]] = {}

    def emit(verbosity, interactive, db, **kwargs):
        if _post_migrate_receivers() != {create_contenttypes, create_permissions}:
            return original(verbosity, interactive, db, **kwargs)
        if db not in snapshots:
            original(verbosity, interactive, db, **kwargs)
            snapshots[db] = (
                list(ContentType.objects.using(db).order_by("pk")),
                list(Permission.objects.using(db).order_by("pk")),
            )
            return
        content_types, permissions = snapshots[db]
        ContentType.objects.using(db).bulk_create(content_types)
        Permission.objects.using(db).bulk_create(permissions)
        ContentType.objects.clear_cache()

    flush.emit_post_migrate_signal = emit
    yield
    flush.emit_post_migrate_signal = original


@pytest.fixture(autouse=True, scope="session")
def _postgres_flush_by_delete():
    """On PostgreSQL the flush after each transactional test is one TRUNCATE of every table: each table and index
    gets a new file, ~1 s a test here for tables holding a few rows. DELETE empties them to the same state
    (sequences are not reset by these flushes either; the foreign keys are deferred to the commit, when every table
    is empty). A flush asked to reset sequences or to cascade keeps Django's TRUNCATE."""
    from django.core.management import sql
    from django.core.management.commands import flush

    original = flush.sql_flush

    def sql_flush(style, connection, reset_sequences=True, allow_cascade=False):
        if connection.vendor != "postgresql" or reset_sequences or allow_cascade:
            return original(style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        return [f"DELETE FROM {connection.ops.quote_name(table)};" for table in tables]

    assert original is sql.sql_flush
    flush.sql_flush = sql_flush
    yield
    flush.sql_flush = original


@pytest.fixture(autouse=True, scope="session")
def _postgres_commits_without_waiting_for_disk():
    """Transactional tests (browser pages, schemathesis) commit every statement, and PostgreSQL waits for each
    commit to reach the disk. synchronous_commit=off only gives up durability if the server crashes; what other
    connections (the live server's) see and when is unchanged."""
    from django.db import connections
    from django.db.backends.signals import connection_created

    def no_wait(sender, connection, **kwargs):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO off")

    connection_created.connect(no_wait, dispatch_uid="kefu-tests-synchronous-commit")
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            no_wait(None, connection)
    yield
    connection_created.disconnect(dispatch_uid="kefu-tests-synchronous-commit")


# --- the SQLite test database, filled from a migrated template ----------------------------------------------------
# Migrating an empty database costs ~45 s of CPU in every test process. The in-memory test databases stay (a file
# would be outside each test's transaction for the telephony import's own connection), but they are filled by
# copying a template built by the migrations once: var/test-templates/<key>.sqlite3, where the key hashes everything
# the migrated schema is made of. migrate still runs on the copy (it finds nothing to apply and recreates nothing),
# so a copy that lacked a migration would only be completed, never wrong.
TEST_TEMPLATES = Path(__file__).parent / "var" / "test-templates"
_TEMPLATE_FORMAT = "1"  # change when what goes into the key changes


def _module_file(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    origin = spec.origin if spec else None
    return Path(origin) if origin and origin.endswith(".py") else None


def _kefu_imports(source: str) -> set[str]:
    """kefu modules a file imports anywhere (module level or inside a RunPython function)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return {n for n in names if n == "kefu" or n.startswith("kefu.")}


def schema_files() -> set[Path]:
    """Every installed app's migration files and the kefu modules they import, transitively (a data migration's
    RunPython may call kefu code: the workbench's search triggers, for one)."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    files: set[Path] = set()
    for app in apps.get_app_configs():
        name, _explicit = MigrationLoader.migrations_module(app.label)
        if not name:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        for location in (spec.submodule_search_locations or []) if spec else []:
            files |= set(Path(location).rglob("*.py"))
    todo = sorted(files)
    while todo:
        path = todo.pop()
        for module in _kefu_imports(path.read_text(encoding="utf-8")):
            found = _module_file(module)
            if found and found not in files:
                files.add(found)
                todo.append(found)
    return files


def schema_key() -> str:
    """Hash of schema_files(), the settings that shape the schema, and the Django and SQLite versions."""
    import django
    from django.conf import settings

    digest = hashlib.sha256()
    shaping = (
        _TEMPLATE_FORMAT,
        django.VERSION,
        sqlite3.sqlite_version,
        list(settings.INSTALLED_APPS),
        sorted(settings.MIGRATION_MODULES.items()),
        settings.DEFAULT_AUTO_FIELD,
        settings.AUTH_USER_MODEL,
    )
    digest.update(repr(shaping).encode())
    root = Path(__file__).parent
    for path in sorted(schema_files()):
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        digest.update(f"\0{shown}\0".encode() + path.read_bytes())
    return digest.hexdigest()[:20]


def _in_memory_sqlite(connection) -> bool:
    return connection.vendor == "sqlite" and connection.creation.is_in_memory_db(connection.settings_dict["NAME"])


@pytest.fixture(scope="session")
def _sqlite_from_template(django_db_use_migrations):
    """While the test databases are set up: the first connection to an empty in-memory SQLite test database gets
    the template's pages (sqlite3's backup) before migrate looks at it. Yields {alias: template path} of what it
    filled, and the template's path (None where there is none yet or migrations are off)."""
    from django.db.backends.signals import connection_created

    path = TEST_TEMPLATES / f"{schema_key()}.sqlite3" if django_db_use_migrations else None
    filled: dict[str, Path] = {}

    def fill(sender, connection, **kwargs):
        if path is None or connection.alias in filled or not _in_memory_sqlite(connection) or not path.exists():
            return
        target = connection.connection
        if target.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            return  # not empty: leave it to migrate
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                source.backup(target)
            finally:
                source.close()
        except sqlite3.Error:
            return  # gone or unreadable (another run replaced it): migrate builds the database as usual
        filled[connection.alias] = path

    connection_created.connect(fill, dispatch_uid="kefu-tests-sqlite-template")
    yield path, filled
    connection_created.disconnect(dispatch_uid="kefu-tests-sqlite-template")


@pytest.fixture(scope="session")
def django_db_setup(_sqlite_from_template, django_db_setup, django_db_blocker):
    """pytest-django's test databases, the in-memory SQLite ones filled from the template (see above). A database
    that was migrated from empty becomes the template for the next runs."""
    from django.db import connections

    path, filled = _sqlite_from_template
    if path is not None:
        with django_db_blocker.unblock():
            for connection in connections.all():
                if connection.alias in filled or not _in_memory_sqlite(connection) or path.exists():
                    continue
                connection.ensure_connection()
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(f"{path.stem}.{os.getpid()}.partial")
                target = sqlite3.connect(partial)
                try:
                    connection.connection.backup(target)
                finally:
                    target.close()
                os.replace(partial, path)  # whole or not at all, also when both workers write it
                for old in path.parent.glob("*.sqlite3"):
                    if old != path:
                        old.unlink(missing_ok=True)
    yield


@pytest.fixture
def center(db):
    from kefu.org import services

    return services.create_center("test", "测试中心")


@pytest.fixture
def make_staff(db, center):
    """make_staff("agent", staff_no="2001", ...) -> Staff with that role and a usable password."""
    from kefu.org import services

    counter = iter(range(5000, 9999))

    def make(*roles: str, staff_no: str | None = None, **kwargs):
        no = staff_no or str(next(counter))
        return services.create_staff(
            center,
            staff_no=no,
            name=kwargs.pop("name", f"员工{no}"),
            roles=list(roles),
            username=kwargs.pop("username", f"u{no}"),
            password=PASSWORD,
            **kwargs,
        )

    return make


@pytest.fixture
def client_for(db):
    """client_for(staff) -> a Django test client logged in as that staff member."""
    from django.test import Client

    def make(staff):
        client = Client()
        client.force_login(staff.user)
        return client

    return make


@pytest.fixture(scope="session")
def browser():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.fail("页面测试需要 Debian 的 chromium：请运行 ./dev test（会自动安装）或 apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=exe,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url
    # Every page runs under the Content-Security-Policy: a script or style it blocks fails the test.
    blocked: list[str] = []
    pg.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield pg
    context.close()
    assert not blocked, "内容安全策略（CSP）拦截了页面的脚本或样式：\n" + "\n".join(blocked)


@pytest.fixture
def login(page):
    """login(staff) signs in through the real login form and returns the page."""

    def do(staff, password: str = PASSWORD):
        page.goto(page.base_url + "/login/")
        page.fill("input[name=username]", staff.user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return do


@pytest.fixture
def screenshot(page):
    """screenshot("tickets-queue") saves artifacts/screenshots/tickets-queue.png for a person to look at."""

    def shoot(name: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Caches outlive a test's rolled-back transaction; start every test with an empty one."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """A test that activates English (a page test, an English catalogue test) must not leave it to the next one in
    the same worker: every test starts in the default language and gives it back."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
