"""The direct SQLite write's shortcuts store what the plain ways store: constant columns written as literals
(bulk.direct_statement) against the driver's ingest of every value, and a queue_log's calls handed over unsorted
(queue_log_frame.parse_frame(ordered=False)) against the reference's order. Pure: no Django database."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kefu.telephony import bulk, queue_log_frame

T0 = 1772380800  # 2026-03-01 16:00 UTC


def L(sec, callid, queue, agent, event, *data) -> str:
    return "|".join([str(T0 + sec), callid, queue, agent, event, *[str(d) for d in data]])


def two_calls(a: str, b: str) -> bytes:
    """Call `a` transferred (read by the reference line by line) ends at 10 s, call `b` (a plain call, read in columns)
    at 20 s: in the reference's order `a` comes first, in the order the two readers hand their calls over it comes last."""
    lines = [
        L(0, a, "q1", "NONE", "ENTERQUEUE", "", "13800001111"),
        L(1, b, "q1", "NONE", "ENTERQUEUE", "", "13900002222"),
        L(5, a, "q1", "SIP/7001", "CONNECT", 5, f"{a}.1", 2),
        L(10, a, "q1", "SIP/7001", "BLINDTRANSFER", "8000", "experts", 5, 5, 1),
        L(20, b, "q1", "NONE", "ABANDON", 1, 1, 19),
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(("a", "b", "same_order"), [("a.1", "b.1", False), ("a" * 70, "b" * 70, True)])
def test_unordered_queue_log_calls_are_the_same_calls(a, b, same_order):
    """ordered=False gives the same calls; still in the reference's order when call_ids are longer than the column's
    64 characters (the writer then keeps the first of two ids cut alike, so the order matters)."""
    _, ordered = queue_log_frame.parse_frame(two_calls(a, b))
    _, loose = queue_log_frame.parse_frame(two_calls(a, b), ordered=False)
    assert ordered.get_column("call_id").to_list() == [a, b]
    assert_frame_equal(loose.sort("call_id"), ordered.sort("call_id"))
    assert (loose.get_column("call_id").to_list() == [a, b]) is same_order


def test_direct_statement_stores_what_binding_every_value_stores():
    """Columns with one value in the slice become literals (quotes doubled, booleans 0/1, NULL), the others stay bound;
    the stored values and their SQLite types are those of the driver's ingest of the whole frame."""
    if bulk.adbc_sqlite is None:
        pytest.skip("adbc-driver-sqlite not installed")
    rows = pl.DataFrame(
        {
            "id": [1, 2, 3],
            "call_id": ["x", "y", "z"],
            "center_id": [7, 7, 7],
            "queue": ["O'Brien"] * 3,
            "is_vip": [True] * 3,
            "queued": [True, False, True],
            "rings": [None, None, None],
            "wait_seconds": [0.0, 0.0, 0.0],
            "talk_seconds": [1.5, None, 2.0],
            "disposition": ["", "", ""],
            "answered_at": ["2026-03-01 08:00:00", None, "2026-03-01 09:00:00"],
        },
        schema_overrides={"rings": pl.Int64},
    )
    sql, varying = bulk.direct_statement("t", rows)
    assert varying == ["id", "call_id", "queued", "talk_seconds", "answered_at"]
    assert "'O''Brien'" in sql and "NULL" in sql
    conn = bulk.adbc_sqlite.connect(":memory:", autocommit=True)
    try:
        cur = bulk.AdbcCursor(conn.cursor())
        for table in ("t", "u"):
            cur.execute(
                f"CREATE TABLE {table} (id integer PRIMARY KEY, call_id text, center_id bigint, queue text, is_vip bool, "
                f"queued bool, rings integer, wait_seconds real, talk_seconds real, disposition text, answered_at datetime)"
            )
        cur.cursor.executemany(sql, rows.select(varying))
        assert cur.cursor.rowcount == 3
        cur.cursor.adbc_ingest("u", rows, mode="append")
        typed = ", ".join(f"{c}, typeof({c})" for c in rows.columns)
        assert_frame_equal(
            cur.execute(f"SELECT {typed} FROM t ORDER BY id").fetch_frame(),
            cur.execute(f"SELECT {typed} FROM u ORDER BY id").fetch_frame(),
        )
        cur.cursor.close()
    finally:
        conn.close()
