"""The database side of the words index (workbench_orderwords): the SQLite FTS5 table and the triggers that keep
it and the index rows in step with every write, whoever writes (services, the admin, a bulk update(), raw SQL).

- SQLite: an FTS5 table over the columns words and meta of workbench_orderwords (external content, its rowid the
  sort key, positions kept for phrases), kept by three triggers on workbench_orderwords; and a trigger on
  tickets_order copying the center, filter keys and sort key of an order to its index row when one of them changes.
- PostgreSQL: a GIN index on the terms and filter keys as an array; the same copy as a trigger function.

SQLite drops a table's triggers when a migration rebuilds the table (adding a foreign key, altering a column) and
the trigger on tickets_order belongs to another app's table, rebuilt by that app's migrations. ensure() runs after
every migrate (post_migrate, kefu/workbench/apps.py): it makes any missing trigger again and, when the FTS5 triggers
were missing, rebuilds the FTS5 index from the table, so writes made meanwhile are not lost.
"""

from __future__ import annotations

from kefu.workbench import words

FTS = "workbench_orderwords_fts"
_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in words.KEY_COLUMNS)
_CHANGED_PG = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in words.KEY_COLUMNS)
_COPY = {
    vendor: (
        f"UPDATE workbench_orderwords SET center_id = NEW.center_id, sort_key = {words.SORT_KEY_SQL[vendor]}, "
        f"meta = {words.META_SQL[vendor]} WHERE order_id = NEW.id"
    )
    for vendor in ("sqlite", "postgresql")
}

SQLITE_FTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(words, meta, content='workbench_orderwords', "
    "content_rowid='sort_key', detail='full', columnsize=0)"
)
SQLITE_WORDS_TRIGGERS = {
    "workbench_orderwords_ai": (
        "CREATE TRIGGER IF NOT EXISTS workbench_orderwords_ai AFTER INSERT ON workbench_orderwords BEGIN "
        f"INSERT INTO {FTS}(rowid, words, meta) VALUES (NEW.sort_key, NEW.words, NEW.meta); END"
    ),
    "workbench_orderwords_ad": (
        "CREATE TRIGGER IF NOT EXISTS workbench_orderwords_ad AFTER DELETE ON workbench_orderwords BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, words, meta) VALUES ('delete', OLD.sort_key, OLD.words, OLD.meta); END"
    ),
    "workbench_orderwords_au": (
        "CREATE TRIGGER IF NOT EXISTS workbench_orderwords_au AFTER UPDATE OF words, meta, sort_key "
        "ON workbench_orderwords BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, words, meta) VALUES ('delete', OLD.sort_key, OLD.words, OLD.meta); "
        f"INSERT INTO {FTS}(rowid, words, meta) VALUES (NEW.sort_key, NEW.words, NEW.meta); END"
    ),
}
SQLITE_ORDER_TRIGGERS = {
    "workbench_order_keys": (
        "CREATE TRIGGER IF NOT EXISTS workbench_order_keys AFTER UPDATE ON tickets_order "
        f"WHEN {_CHANGED} BEGIN {_COPY['sqlite']}; END"
    ),
}
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in (*SQLITE_WORDS_TRIGGERS, *SQLITE_ORDER_TRIGGERS)] + [
    f"DROP TABLE IF EXISTS {FTS}"
]

PG_TERMS = "string_to_array(words || ' ' || meta, ' ')"  # the indexed expression; queries must spell it the same
PG_INDEX = f"CREATE INDEX IF NOT EXISTS workbench_orderwords_terms ON workbench_orderwords USING gin ({PG_TERMS})"
PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION workbench_order_keys() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"{_COPY['postgresql']}; RETURN NULL; END $$"
)
PG_TRIGGER = (
    "CREATE TRIGGER workbench_order_keys AFTER UPDATE ON tickets_order FOR EACH ROW "
    f"WHEN ({_CHANGED_PG}) EXECUTE FUNCTION workbench_order_keys()"
)
PG_DROP = [
    "DROP TRIGGER IF EXISTS workbench_order_keys ON tickets_order",
    "DROP FUNCTION IF EXISTS workbench_order_keys()",
    "DROP INDEX IF EXISTS workbench_orderwords_terms",
]


def _sqlite_triggers(cursor) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    return {row[0] for row in cursor.fetchall()}


def install(connection, *, rebuild: bool = True) -> None:
    """Create the index's FTS5 table or GIN index and every trigger (idempotent); SQLite: fill the FTS5 index from
    the table when asked."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_FTS)
            for sql in (*SQLITE_WORDS_TRIGGERS.values(), *SQLITE_ORDER_TRIGGERS.values()):
                cursor.execute(sql)
            if rebuild:
                cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT to_regclass('workbench_orderwords_terms')")
            if cursor.fetchone()[0] is None:  # asked first: CREATE INDEX refuses inside a transaction with pending
                cursor.execute(PG_INDEX)  # (deferred) trigger events even when the index exists
            cursor.execute(PG_FUNCTION)
            cursor.execute("DROP TRIGGER IF EXISTS workbench_order_keys ON tickets_order")
            cursor.execute(PG_TRIGGER)


def drop(connection) -> None:
    with connection.cursor() as cursor:
        for sql in (
            SQLITE_DROP if connection.vendor == "sqlite" else PG_DROP if connection.vendor == "postgresql" else []
        ):
            cursor.execute(sql)


def missing(connection) -> list[str]:
    """Names of the index's triggers (or FTS5 table) the database lacks: none once ensure() has run."""
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'workbench_order_keys'")
            return [] if cursor.fetchone() else ["workbench_order_keys"]
    with connection.cursor() as cursor:
        have = _sqlite_triggers(cursor)
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS])
        table = [] if cursor.fetchone() else [FTS]
    return table + [n for n in (*SQLITE_WORDS_TRIGGERS, *SQLITE_ORDER_TRIGGERS) if n not in have]


def _keys_sql(vendor: str) -> str:
    """Copy the center, sort key and filter keys of every order whose index row differs (the trigger's work, for rows
    written while the trigger was missing)."""
    key, meta = (words.SORT_KEY_SQL[vendor].replace("NEW.", "o."), words.META_SQL[vendor].replace("NEW.", "o."))
    differs = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
    return (
        f"UPDATE workbench_orderwords SET center_id = o.center_id, sort_key = {key}, meta = {meta} "
        f"FROM tickets_order o WHERE o.id = workbench_orderwords.order_id AND (workbench_orderwords.meta {differs} "
        f"{meta} OR workbench_orderwords.sort_key {differs} {key} OR workbench_orderwords.center_id {differs} "
        "o.center_id)"
    )


def refresh_keys(connection) -> int:
    """Bring every index row's center, sort key and filter keys in line with its order; the number of rows changed."""
    with connection.cursor() as cursor:
        cursor.execute(_keys_sql(connection.vendor))
        return cursor.rowcount


def _ready(connection) -> bool:
    """Whether the words table has this schema (migration 0004 applied): ensure() leaves an older one alone."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT 1 FROM pragma_table_info('workbench_orderwords') WHERE name = 'sort_key'")
        else:
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = 'workbench_orderwords' "
                "AND column_name = 'sort_key' AND table_schema = current_schema()"
            )
        return cursor.fetchone() is not None


def ensure(connection) -> list[str]:
    """Make again whatever missing() names (after a migration rebuilt a table): when the FTS5 triggers of the words
    table were lost, the FTS5 index is rebuilt from the table; when the trigger on tickets_order was, the index rows
    take their orders' keys again. Returns what was missing."""
    if connection.vendor not in ("sqlite", "postgresql") or not _ready(connection):
        return []
    lost = missing(connection)
    if not lost:
        return lost
    install(connection, rebuild=FTS in lost or any(n in lost for n in SQLITE_WORDS_TRIGGERS))
    if "workbench_order_keys" in lost:
        refresh_keys(connection)
    return lost
