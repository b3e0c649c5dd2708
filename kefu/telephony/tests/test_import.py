"""Importers against the database: all or nothing, idempotent, pending calls across files, CSV mappings with Chinese errors."""

import json
from datetime import UTC, datetime

import polars as pl
import pytest
from django.db import connection

from kefu.audit.crypto import digest
from kefu.errors import RuleViolation
from kefu.telephony import bulk, services
from kefu.telephony.models import AgentPause, AgentSession, Call, Caller, ImportBatch, PendingLine
from kefu.telephony.simulator import AgentShift, Dist, SimConfig, simulate

T0 = 1772380800  # 2026-03-01 16:00 UTC
UTC = UTC


def L(sec, callid, queue, agent, event, *data) -> str:
    return "|".join([str(T0 + sec), callid, queue, agent, event, *[str(d) for d in data]])


def qlog(*lines) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def snapshot():
    return (
        Call.objects.count(),
        AgentSession.objects.count(),
        AgentPause.objects.count(),
        ImportBatch.objects.count(),
        list(PendingLine.objects.values_list("line", flat=True)),
    )


FILE_A = qlog(
    L(0, "NONE", "q1", "SIP/7001", "ADDMEMBER", ""),
    L(10, "1.1", "q1", "NONE", "ENTERQUEUE", "", "13800001111"),
    L(10, "1.1", "q1", "NONE", "KF_CALLINFO", "投诉", 1),
    L(20, "1.1", "q1", "SIP/7001", "CONNECT", 10, "1.2", 3),
    L(80, "1.1", "q1", "SIP/7001", "KF_WRAPUP", 5, 30, "resolved", 1),
    L(80, "1.1", "q1", "SIP/7001", "COMPLETECALLER", 10, 60, 1),
    L(90, "2.1", "q1", "NONE", "ENTERQUEUE", "", "13900002222"),
    L(100, "2.1", "q1", "SIP/7001", "CONNECT", 10, "2.2", 0),
)  # still talking at the end of file A
FILE_B = qlog(
    L(400, "2.1", "q1", "SIP/7001", "COMPLETEAGENT", 10, 300, 1),
    L(500, "3.1", "q1", "NONE", "ENTERQUEUE", "", "13800001111"),
    L(512, "3.1", "q1", "NONE", "ABANDON", 1, 1, 12),
    L(3600, "NONE", "q1", "SIP/7001", "REMOVEMEMBER", ""),
)


@pytest.mark.django_db
def test_queue_log_import_stores_calls_with_staff_team_and_encrypted_caller(center, make_staff):
    agent = make_staff("agent", staff_no="7001")
    outcome = services.import_queue_log(center, file_name="a.log", data=FILE_A)
    assert outcome.calls_created == 1 and outcome.pending == 3 and not outcome.duplicate
    call = Call.objects.get(call_id="1.1")
    assert call.agent == agent and call.team_id == agent.team_id and call.agent_staff_no == "7001"
    assert call.caller.number == "13800001111" and call.caller.number_digest == digest("13800001111")
    with connection.cursor() as cur:
        cur.execute("SELECT number FROM telephony_caller WHERE id = %s", [call.caller_id])
        assert "13800001111" not in cur.fetchone()[0]  # encrypted at rest
    assert call.offered_at == datetime.fromtimestamp(T0 + 10, tz=UTC)
    assert (call.wait_seconds, call.talk_seconds, call.hold_seconds, call.acw_seconds) == (10, 55, 5, 30)
    assert call.is_vip and call.call_type == "投诉" and call.first_call_resolved is True and call.rings == 1
    assert outcome.batch.rows == 8 and outcome.batch.calls == 1 and outcome.batch.pending == 3


@pytest.mark.django_db
def test_call_open_at_end_of_file_a_is_completed_by_file_b(center, make_staff):
    make_staff("agent", staff_no="7001")
    services.import_queue_log(center, file_name="a.log", data=FILE_A)
    assert not Call.objects.filter(call_id="2.1").exists() and PendingLine.objects.count() == 3
    outcome = services.import_queue_log(center, file_name="b.log", data=FILE_B)
    call = Call.objects.get(call_id="2.1")
    assert call.talk_seconds == 300 and call.wait_seconds == 10 and call.hangup_by == "agent"
    assert call.offered_at == datetime.fromtimestamp(T0 + 90, tz=UTC)
    assert outcome.calls_created == 2 and PendingLine.objects.count() == 0
    (session,) = AgentSession.objects.all()
    assert (session.start, session.end) == (
        datetime.fromtimestamp(T0, tz=UTC),
        datetime.fromtimestamp(T0 + 3600, tz=UTC),
    )
    # redial de-dup key: the same caller twice (004:L1617–1621)
    assert Call.objects.filter(caller__number_digest=digest("13800001111")).count() == 2
    assert Caller.objects.filter(center=center).count() == 2  # one row per number, however many calls and files


@pytest.mark.django_db
def test_same_file_twice_adds_nothing(center):
    services.import_queue_log(center, file_name="a.log", data=FILE_A)
    before = snapshot()
    again = services.import_queue_log(center, file_name="a-copy.log", data=FILE_A)
    assert again.duplicate and again.batch.file_name == "a.log"
    assert snapshot() == before


@pytest.mark.django_db
def test_overlapping_export_does_not_duplicate_calls(center):
    services.import_queue_log(
        center,
        file_name="a.log",
        data=qlog(L(0, "5.1", "q", "NONE", "ENTERQUEUE", "", "1"), L(9, "5.1", "q", "NONE", "ABANDON", 1, 1, 9)),
    )
    outcome = services.import_queue_log(
        center,
        file_name="a2.log",
        data=qlog(L(0, "5.1", "q", "NONE", "ENTERQUEUE", "", "1"), L(9, "5.1", "q", "NONE", "ABANDON", 1, 1, 9), ""),
    )
    assert outcome.calls_created == 0 and outcome.skipped_existing == 1 and Call.objects.count() == 1


@pytest.mark.django_db
def test_malformed_line_rejects_the_whole_file_with_line_number(center):
    services.import_queue_log(center, file_name="a.log", data=FILE_A)
    before = snapshot()
    bad = qlog(
        L(400, "2.1", "q1", "SIP/7001", "COMPLETEAGENT", 10, 300, 1),
        L(500, "3.1", "q1", "NONE", "ENTERQUEUE", "", "1"),
        "1772381312|3.1|q1|NONE|ABANDON|1|1|十二",
    )
    with pytest.raises(RuleViolation) as exc:
        services.import_queue_log(center, file_name="bad.log", data=bad)
    problem = exc.value.problems[0]
    assert problem.field == "file" and problem.message.startswith("第3行：") and "应为数字" in problem.message
    assert snapshot() == before  # nothing imported, pending lines kept for the corrected file


@pytest.mark.django_db
def test_simulated_month_split_into_files_gives_the_same_rows(center):
    roster = [
        AgentShift(str(7100 + i), 0, 20 * 3600, pauses=((3600 * (i + 2), 3600 * (i + 2) + 600, "小休"),))
        for i in range(4)
    ]
    cfg = SimConfig(
        start=datetime(2026, 3, 1, 16, tzinfo=UTC),
        duration_seconds=20 * 3600,
        calls_per_day=900,
        agents=roster,
        seed=11,
        transfer_share=0.1,
        hold_share=0.2,
        hold=Dist("exponential", 20),
        acw=Dist("constant", 15),
        trunks=8,
        ivr_only_share=0.05,
        queue_timeout_seconds=200,
    )
    result = simulate(cfg)
    lines = result.queue_log.splitlines(keepends=True)
    cuts = [0, len(lines) // 3, len(lines) // 3 + 1, 2 * len(lines) // 3, len(lines)]
    for i, (a, b) in enumerate(zip(cuts, cuts[1:])):
        services.import_queue_log(center, file_name=f"part{i}.log", data="".join(lines[a:b]).encode())
    c = result.counters
    assert Call.objects.count() == c.attempts
    assert Call.objects.filter(outcome="answered").count() == c.answered
    assert Call.objects.filter(outcome="abandoned").count() == c.abandoned
    assert Call.objects.filter(outcome="blocked").count() == c.blocked
    assert sum(Call.objects.values_list("talk_seconds", flat=True)) == c.talk
    assert sum(Call.objects.filter(outcome="answered").values_list("wait_seconds", flat=True)) == c.wait_answered
    assert AgentSession.objects.count() == 4 and AgentPause.objects.count() == 4 and PendingLine.objects.count() == 0


# ---- CSV -------------------------------------------------------------------------------------------------------

CSV_CN = """话单编号,进线时间,结果,工号,等待秒数,通话秒数,主叫,VIP
A001,2026-03-02 08:00:05,接通,7001,12,180,13800001111,是
A002,2026-03-02 08:01:00,放弃,,35,0,13900002222,否
A003,2026-03-02 23:59:59,接通,7002,5,60,13700003333,否
"""
MAPPING = {
    "columns": {
        "call_id": "话单编号",
        "offered_at": "进线时间",
        "outcome": "结果",
        "agent_staff_no": "工号",
        "wait_seconds": "等待秒数",
        "talk_seconds": "通话秒数",
        "caller_number": "主叫",
        "is_vip": "VIP",
    },
    "datetime_format": "%Y-%m-%d %H:%M:%S",
    "defaults": {"queue": "热线"},
}


@pytest.mark.django_db
def test_csv_import_with_mapping(center, make_staff):
    agent = make_staff("agent", staff_no="7001")
    outcome = services.import_csv(center, file_name="calls.csv", data=CSV_CN.encode(), mapping=MAPPING)
    assert outcome.calls_created == 3 and outcome.batch.kind == "csv"
    a1 = Call.objects.get(call_id="A001")
    assert a1.outcome == "answered" and a1.agent == agent and a1.is_vip and a1.queue == "热线"
    assert a1.offered_at == datetime(2026, 3, 2, 0, 0, 5, tzinfo=UTC)  # 08:00:05 Asia/Shanghai
    assert (a1.wait_seconds, a1.talk_seconds) == (12, 180) and a1.caller.number == "13800001111"
    a2 = Call.objects.get(call_id="A002")
    assert a2.outcome == "abandoned" and a2.agent is None and a2.agent_staff_no == "" and not a2.is_vip
    assert Call.objects.get(call_id="A003").offered_at == datetime(2026, 3, 2, 15, 59, 59, tzinfo=UTC)
    assert services.import_csv(center, file_name="again.csv", data=CSV_CN.encode(), mapping=MAPPING).duplicate
    assert Call.objects.count() == 3


@pytest.mark.django_db
def test_outcome_carries_the_span_refresh_kpis_recomputes(center):
    """refresh_kpis reads the days from the outcome (Call.batch has no index to query): the calls' first/last offered_at,
    none when no call was added, the sessions' and pauses' start/end for a queue_log (CSV_CN above, FILE_A/B)."""
    outcome = services.import_csv(center, file_name="calls.csv", data=CSV_CN.encode(), mapping=MAPPING)
    assert (outcome.first_at, outcome.last_at) == (
        datetime(2026, 3, 2, 0, 0, 5, tzinfo=UTC),
        datetime(2026, 3, 2, 15, 59, 59, tzinfo=UTC),
    )
    again = services.import_csv(
        center, file_name="again.csv", data=CSV_CN.replace("\n", "\r\n").encode(), mapping=MAPPING
    )
    assert again.calls_created == 0 and again.first_at is None and services.refresh_kpis(again) == 0
    # the reports hear of the import through telephony's signal (telephony never imports kefu.kpi): rollups written
    from kefu.kpi.models import Rollup

    assert services.refresh_kpis(outcome) > 0 and Rollup.objects.filter(center=center).exists()
    log = services.import_queue_log(center, file_name="a.log", data=FILE_A + FILE_B)
    session = AgentSession.objects.get()
    assert log.first_at == min(session.start, Call.objects.filter(call_id="1.1").get().offered_at)
    assert log.last_at == max(session.end, *Call.objects.filter(batch=log.batch).values_list("offered_at", flat=True))


@pytest.mark.django_db
def test_csv_import_gbk_file(center):
    outcome = services.import_csv(
        center, file_name="gbk.csv", data=CSV_CN.encode("gbk"), mapping={**MAPPING, "encoding": "gbk"}
    )
    assert outcome.calls_created == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change,mapping_change,expected",
    [
        (
            ("2026-03-02 08:01:00", "2026/03/02 08:01"),
            {},
            "第3行：字段 offered_at（进入队列时间，列“进线时间”）时间格式应为 %Y-%m-%d %H:%M:%S，实际为“2026/03/02 08:01”",
        ),
        (("放弃", "挂断了"), {}, "第3行：字段 outcome（结果，列“结果”）的值不在结果映射中"),
        (
            ("35,0,139", "三十五,0,139"),
            {},
            "第3行：字段 wait_seconds（排队时长，列“等待秒数”）应为数字，实际为“三十五”",
        ),
        (("35,0,139", "-35,0,139"), {}, "第3行：字段 wait_seconds（排队时长，列“等待秒数”）不能为负数"),
        (("13900002222,否", "13900002222,也许"), {}, "第3行：字段 is_vip（VIP，列“VIP”）应为是/否"),
        (("A003", "A001"), {}, "第2行：字段 call_id（呼叫标识）在文件中重复"),
        (("A002", ""), {}, "第3行：字段 call_id（呼叫标识，列“话单编号”）不能为空"),
        (
            (None, None),
            {"columns": {**MAPPING["columns"], "talk_seconds": "通话时长"}},
            "映射的列“通话时长”（字段 talk_seconds 通话时长）在文件中不存在",
        ),
        (
            (None, None),
            {"columns": {"call_id": "话单编号", "offered_at": "进线时间"}},
            "缺少必填字段 outcome（结果）的列映射",
        ),
        ((None, None), {"columns": {**MAPPING["columns"], "caller": "主叫"}}, "字段映射中有未知字段：caller"),
        ((None, None), {"outcome_values": {"接通": "ok"}}, "结果映射“接通”→“ok”无效"),
    ],
)
def test_csv_errors_in_chinese_and_nothing_imported(center, change, mapping_change, expected):
    text = CSV_CN if change[0] is None else CSV_CN.replace(change[0], change[1], 1)
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        services.import_csv(center, file_name="bad.csv", data=text.encode(), mapping={**MAPPING, **mapping_change})
    messages = [p.message for p in exc.value.problems]
    assert any(m.startswith(expected) for m in messages), messages
    assert snapshot() == before


@pytest.mark.django_db
def test_csv_without_mapping_reads_our_own_columns_from_the_simulator(center):
    result = simulate(
        SimConfig(
            start=datetime(2026, 3, 1, 16, tzinfo=UTC),
            duration_seconds=4 * 3600,
            calls_per_day=1500,
            seed=2,
            agents=[AgentShift(str(7200 + i), 0, 4 * 3600) for i in range(3)],
            transfer_share=0.2,
        )
    )
    outcome = services.import_csv(center, file_name="sim.csv", data=result.csv_text.encode())
    c = result.counters
    assert outcome.calls_created == c.attempts
    assert Call.objects.filter(outcome="answered").count() == c.answered
    assert Call.objects.filter(transferred=True).count() == c.transferred
    assert sum(Call.objects.filter(outcome="abandoned").values_list("wait_seconds", flat=True)) == c.wait_abandoned


def test_mapping_file_is_plain_json():
    assert json.loads(json.dumps(MAPPING)) == MAPPING


@pytest.mark.django_db
def test_callers_are_stored_once_per_number_and_center(center, monkeypatch):
    """Each distinct number of an import is digested once (audit's digest()) and, when the center has it not yet,
    encrypted once (audit's decrypt() reads it); a number the center has already keeps its row and is not encrypted
    again; another center gets rows of its own; no number, no row."""
    from kefu.audit import crypto
    from kefu.org import services as org

    numbers = pl.Series(["13800001111", "0571-88886666", "一二三", "x" * 31, "", None, "13800001111"])
    table = bulk.caller_table(numbers)
    assert sorted(table.get_column("number").to_list()) == sorted(["13800001111", "0571-88886666", "一二三", "x" * 31])
    assert all(dig == digest(number) for number, dig in table.select("number", "digest").iter_rows())
    encrypted = []
    real = crypto.encrypt_many
    monkeypatch.setattr(crypto, "encrypt_many", lambda values: encrypted.append(sorted(values)) or real(values))
    with connection.cursor() as cur:
        first = bulk.caller_ids(cur, center.pk, numbers)
        assert first.height == 4 and first.get_column("caller_id").n_unique() == 4
        again = bulk.caller_ids(cur, center.pk, pl.Series(["13800001111", "13900002222"]))
        other = bulk.caller_ids(cur, org.create_center("c2", "二中心").pk, pl.Series(["13800001111"]))
    assert encrypted == [sorted(["13800001111", "0571-88886666", "一二三", "x" * 31]), ["13900002222"], ["13800001111"]]
    known = dict(first.iter_rows())
    assert dict(again.iter_rows())["13800001111"] == known["13800001111"]
    assert Caller.objects.filter(center=center).count() == 5 and other.item(0, "caller_id") not in known.values()
    for number, caller_id in first.iter_rows():
        stored = Caller.objects.get(pk=caller_id)
        assert (stored.number, stored.number_digest) == (number, digest(number))
        with connection.cursor() as cur:
            cur.execute("SELECT number FROM telephony_caller WHERE id = %s", [caller_id])
            assert crypto.decrypt(cur.fetchone()[0]) == number  # a Fernet token at rest


@pytest.mark.django_db
def test_scheduled_shifts_and_their_validation(center, make_staff):
    from kefu.telephony.models import ScheduledShift

    agent = make_staff("agent", staff_no="7001")
    start = datetime(2026, 3, 2, 0, tzinfo=UTC)
    assert (
        services.add_scheduled_shifts(
            center, [("7001", start, start.replace(hour=8)), ("7999", start, start.replace(hour=4))]
        )
        == 2
    )
    assert ScheduledShift.objects.get(agent_staff_no="7001").agent == agent
    with pytest.raises(RuleViolation, match="第1个班次：工号 7001 的结束时间必须晚于开始时间"):
        services.add_scheduled_shifts(center, [("7001", start, start), ("7001", start, start.replace(hour=1))])
    assert ScheduledShift.objects.count() == 2


@pytest.mark.django_db
def test_delete_batch_removes_what_it_added(center):
    first = services.import_queue_log(center, file_name="a.log", data=FILE_A + FILE_B)
    assert Call.objects.count() == 3 and AgentSession.objects.count() == 1
    services.delete_batch(first.batch)
    assert (Call.objects.count(), AgentSession.objects.count(), ImportBatch.objects.count()) == (0, 0, 0)
    assert (
        services.import_queue_log(center, file_name="a.log", data=FILE_A + FILE_B).calls_created == 3
    )  # can be imported again


def test_policy_presets_are_valid_and_validation_names_fields():
    from kefu.telephony import policy

    for name, preset in policy.PRESETS.items():
        assert policy.validate(preset) == [], name
    fields = {
        f
        for f, _ in policy.validate(
            {"legacy_transfer_kind": "x", "ring_cycle_seconds": 0, "agent_map": [], "batch_size": 5}
        )
    }
    assert fields == {"legacy_transfer_kind", "ring_cycle_seconds", "agent_map", "batch_size"}


@pytest.mark.django_db
def test_csv_progress_reports_every_written_row(center):
    seen = []
    services.import_csv(center, file_name="calls.csv", data=CSV_CN.encode(), mapping=MAPPING, progress=seen.append)
    assert sum(seen) == 3


@pytest.mark.django_db
def test_bulk_crypto_helpers_write_what_audit_reads():
    """The import's bulk helpers: tokens that audit's decrypt() reads, digests equal to digest(); 0-, 1- and 2-block values."""
    from kefu.audit.crypto import decrypt, digest_many, encrypt_many

    values = [
        "13800001111",
        "",
        "0571-8888666612",
        "0571-88886666123",
        "x" * 31,
        "x" * 32,
        "一二三四五六",
        " 138 ",
        "13800001111",
    ]
    tokens = encrypt_many(values)
    assert [decrypt(t) for t in tokens] == values
    assert digest_many(values) == [digest(v) for v in values]
    assert len(set(tokens)) == len(tokens)  # a fresh IV each time, even for the same number
    assert encrypt_many([]) == [] and digest_many([]) == []


def test_sqlite_statement_writes_constants_as_literals_and_binds_nulls_via_nullif():
    """The shapes of values the SQLite insert binds (ints, floats, strs only), checked by storing them."""
    import sqlite3

    import polars as pl

    chunk = pl.DataFrame(
        {
            "center_id": [7, 7, 7],
            "call_id": ["a", "b", "c"],
            "queue": ["O'Brien", "O'Brien", "O'Brien"],
            "is_vip": [True, False, True],
            "answered_at": ["2026-03-01 08:00:00", None, "2026-03-01 09:00:00"],
            "disposition": ["", None, "x"],  # '' is a real value here: the NULL must be bound as such
            "rings": [None, 3, 0],
            "first_call_resolved": [True, None, False],
            "ended_at": [None, None, None],
            "wait_seconds": [1.5, 0.0, 2.0],
        },
        schema_overrides={"ended_at": pl.Utf8},
    )
    sql, binds = bulk.sqlite_statement("t", chunk)
    assert "'O''Brien'" in sql and ", 7," not in sql.split("VALUES")[0] and sql.count("NULLIF") == 3
    rows = chunk.select(binds).rows()
    assert all(type(v) in (int, float, str) for row in rows for v in row if v is not None)
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE t ({', '.join(chunk.columns)}, UNIQUE (center_id, call_id))")
    db.executemany(sql, rows)
    stored = db.execute(f"SELECT {', '.join(chunk.columns)} FROM t ORDER BY call_id").fetchall()
    expected = [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in chunk.rows()]
    assert stored == expected


@pytest.mark.django_db
def test_sqlite_big_import_rebuilds_indexes_in_its_transaction(center, monkeypatch):
    """An import that at least doubles the table drops the secondary indexes and builds them again before commit; a
    failure in between rolls the drop back with the rows."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL inserts through COPY")
    monkeypatch.setattr(bulk, "SQLITE_REBUILD_MIN_ROWS", 1)

    def indexes():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'telephony_call' ORDER BY name"
            )
            return cur.fetchall()

    before = indexes()
    assert len(before) >= 2  # UNIQUE (center, call_id) and (center, offered_at, agent_staff_no)
    seen = []
    real = bulk.sqlite_indexes_to_rebuild
    monkeypatch.setattr(bulk, "sqlite_indexes_to_rebuild", lambda *a: seen.append(real(*a)) or seen[-1])
    services.import_csv(center, file_name="calls.csv", data=CSV_CN.encode(), mapping=MAPPING)
    assert seen[-1] and indexes() == before and Call.objects.count() == 3

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk, "sqlite_statement", broken)
    bigger = CSV_CN.replace("A00", "B00")
    state = snapshot()
    with pytest.raises(RuntimeError):
        services.import_csv(center, file_name="more.csv", data=bigger.encode(), mapping=MAPPING)
    assert seen[-1] and indexes() == before and snapshot() == state


@pytest.mark.django_db(transaction=True)
def test_sqlite_direct_import_stores_what_executemany_stores_all_or_nothing(monkeypatch, tmp_path):
    """On a database file, a CSV import outside any transaction writes through a connection of the ADBC driver in a
    transaction of its own (import_csv_direct): the same rows (types included) as executemany(), callers only as tokens
    and digests, progress for every row, call_ids stored already skipped, the same file refused, and a failure before
    its commit leaves nothing (rows, batch, the indexes it dropped), nor does a center deleted meanwhile. Run here on a
    copy of the test database in a file."""
    if connection.vendor != "sqlite" or bulk.adbc_sqlite is None:
        pytest.skip("SQLite with adbc-driver-sqlite only")
    import sqlite3

    from kefu.audit.crypto import decrypt
    from kefu.org import services as org
    from kefu.telephony import csv_import

    direct, bound = org.create_center("d1", "直写"), org.create_center("d2", "绑定")
    org.create_staff(
        direct, staff_no="7001", name="座席", roles=["agent"], username="agent-d1", password="agent-pass-123"
    )
    monkeypatch.setattr(bulk, "adbc_sqlite", None)
    services.import_csv(bound, file_name="b.csv", data=CSV_CN.encode(), mapping=MAPPING)
    monkeypatch.undo()
    path = str(tmp_path / "copy.sqlite3")
    connection.ensure_connection()
    with sqlite3.connect(path) as db:
        connection.connection.backup(db)
    db = sqlite3.connect(path)

    def rows(center):
        cur = db.execute("SELECT * FROM telephony_call WHERE center_id = ? ORDER BY call_id", [center.pk])
        names = [d[0] for d in cur.description]
        # tokens differ by their random IV; only the direct center has a staff 7001 (staff numbers are unique)
        skip = {"id", "center_id", "batch_id", "caller_id", "caller_digest", "agent_id", "team_id"}
        return [{k: (v, type(v)) for k, v in zip(names, r) if k not in skip} for r in cur.fetchall()]

    def state():
        return (
            db.execute("SELECT count(*) FROM telephony_call").fetchone(),
            db.execute("SELECT count(*) FROM telephony_importbatch").fetchone(),
            db.execute(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'telephony_call' ORDER BY name"
            ).fetchall(),
        )

    def run(data: str, sha: str, progress=None):
        frame = csv_import.read_calls(data.encode(), MAPPING, time_zone=direct.time_zone)
        return services.import_csv_direct(
            direct, frame, file_name="a.csv", sha=sha, user=None, path=path, progress=progress
        )

    monkeypatch.setattr(bulk, "SQLITE_REBUILD_MIN_ROWS", 1)  # the indexes dropped and built again, as for a month
    monkeypatch.setattr(bulk, "DIRECT_WRITE_ROWS", 2)  # two slices: the writer thread and the next slice's callers
    seen = []
    batch_id, created = run(CSV_CN, "a" * 64, seen.append)
    assert created == 3 and sum(seen) == 3 and rows(direct) == rows(bound) and len(rows(direct)) == 3
    assert db.execute(
        "SELECT rows, calls, kind, center_id FROM telephony_importbatch WHERE id = ?", [batch_id]
    ).fetchone() == (3, 3, "csv", direct.pk)
    callers = db.execute(
        "SELECT k.number, k.number_digest, c.agent_id IS NOT NULL FROM telephony_call AS c "
        "JOIN telephony_caller AS k ON k.id = c.caller_id AND k.center_id = c.center_id "
        "WHERE c.center_id = ? ORDER BY c.call_id",
        [direct.pk],
    ).fetchall()
    assert [decrypt(token) for token, _, _ in callers] == ["13800001111", "13900002222", "13700003333"]
    assert [d for _, d, _ in callers] == [digest(n) for n in ["13800001111", "13900002222", "13700003333"]]
    assert [has_agent for _, _, has_agent in callers] == [1, 0, 0]  # 7001 is staff of the center, 7002 is not
    before = state()
    seen = []
    assert run(CSV_CN.replace("A003", "A004"), "b" * 64, seen.append)[1] == 1 and sum(seen) == 3  # A001, A002 stored
    with pytest.raises(services.DuplicateFile):
        run(CSV_CN, "a" * 64)
    after = state()
    assert after[0][0] == before[0][0] + 1 and after[2] == before[2]

    from django.db import IntegrityError

    from kefu.org.models import Center

    gone = Center(
        pk=direct.pk + 1000, code="gone", name="已删除", time_zone=direct.time_zone
    )  # foreign keys: checked by reading
    frame = csv_import.read_calls(CSV_CN.replace("A00", "G00").encode(), MAPPING, time_zone=direct.time_zone)
    with pytest.raises(IntegrityError):
        services.import_csv_direct(gone, frame, file_name="g.csv", sha="g" * 64, user=None, path=path)
    assert state() == after
    names = [n for n, sql in after[2] if sql and sql.startswith("CREATE INDEX")]
    assert names
    monkeypatch.setattr(
        bulk,
        "sqlite_indexes_to_rebuild",  # drops them, writes the rows, then fails to build them
        lambda *a: [(name, "CREATE INDEX broken ON no_such_table (x)") for name in names],
    )
    with pytest.raises(bulk.adbc_sqlite.Error):
        run(CSV_CN.replace("A00", "C00"), "c" * 64)
    assert state() == after
    db.close()


@pytest.mark.django_db(transaction=True)
def test_sqlite_direct_queue_log_import_stores_what_django_stores_all_or_nothing(monkeypatch, tmp_path, make_staff):
    """On a database file, a queue_log import outside any transaction writes through a connection of the ADBC driver
    in one transaction of its own (queue_log_direct): the same calls (types included), sessions, pauses, pending lines
    and batch counts as the import through Django's connection, the pending lines carried to the next file, the same
    file refused, and a failure before its commit leaves nothing. Run here on a copy of the test database in a file."""
    if connection.vendor != "sqlite" or bulk.adbc_sqlite is None:
        pytest.skip("SQLite with adbc-driver-sqlite only")
    import hashlib
    import sqlite3

    from kefu.org import services as org

    direct, bound = org.create_center("d1", "直写"), org.create_center("d2", "绑定")
    org.create_staff(
        direct, staff_no="7001", name="座席", roles=["agent"], username="agent-d1", password="agent-pass-123"
    )
    paused = qlog(L(30, "NONE", "q1", "SIP/7001", "PAUSE", "午餐"), L(60, "NONE", "q1", "SIP/7001", "UNPAUSE", ""))
    for name, data in (("a.log", FILE_A + paused), ("b.log", FILE_B)):
        services.import_queue_log(bound, file_name=name, data=data)  # inside no transaction, on an in-memory database
    path = str(tmp_path / "copy.sqlite3")
    connection.ensure_connection()
    with sqlite3.connect(path) as db:
        connection.connection.backup(db)
    db = sqlite3.connect(path)

    def table(name: str, center) -> list[dict]:
        cur = db.execute(f"SELECT * FROM {name} WHERE center_id = ? ORDER BY 2, 3, 4", [center.pk])
        names = [d[0] for d in cur.description]
        skip = {"id", "center_id", "batch_id", "caller_id", "caller_digest", "agent_id", "team_id"}
        return [{k: (v, type(v)) for k, v in zip(names, r) if k not in skip} for r in cur.fetchall()]

    def state():
        return (
            [
                db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in (
                    "telephony_call",
                    "telephony_importbatch",
                    "telephony_agentsession",
                    "telephony_agentpause",
                    "telephony_pendingline",
                    "telephony_caller",
                )
            ],
            db.execute(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'telephony_call' ORDER BY name"
            ).fetchall(),
        )

    def run(name: str, data: bytes):
        return services.queue_log_direct(
            direct,
            data,
            services.queue_log_options(direct, data),
            file_name=name,
            sha=hashlib.sha256(b"d1" + data).hexdigest(),
            user=None,
            path=path,
        )  # the same files: another sha

    batch_a, _, calls_a, created_a = run("a.log", FILE_A + paused)
    assert created_a == calls_a.height == 1
    pending = [
        r[0] for r in db.execute("SELECT line FROM telephony_pendingline WHERE center_id = ? ORDER BY seq", [direct.pk])
    ]
    assert (
        len(pending) == 3 and [ln for ln in pending if "|2.1|" in ln] == FILE_A.decode().splitlines()[-2:]
    )  # call 2.1 is open
    batch_b, parsed, _, created_b = run("b.log", FILE_B)
    assert created_b == 2 and len(parsed.sessions) == 1
    for name in ("telephony_call", "telephony_agentsession", "telephony_agentpause", "telephony_pendingline"):
        assert table(name, direct) == table(name, bound), name
    assert len(table("telephony_call", direct)) == 3 and len(table("telephony_agentpause", direct)) == 1
    counts = (
        "SELECT rows, calls, sessions, pauses, pending, kind FROM telephony_importbatch WHERE center_id = ? ORDER BY id"
    )
    assert db.execute(counts, [direct.pk]).fetchall() == db.execute(counts, [bound.pk]).fetchall()
    assert db.execute(
        "SELECT count(*) FROM telephony_call WHERE center_id = ? AND agent_id IS NOT NULL", [direct.pk]
    ).fetchone() == (2,)
    tokens = db.execute(
        "SELECT number, number_digest FROM telephony_caller WHERE center_id = ? ORDER BY id", [direct.pk]
    ).fetchall()
    from kefu.audit.crypto import decrypt

    assert [(decrypt(t), d) for t, d in tokens] == [(n, digest(n)) for n in ("13800001111", "13900002222")]

    before = state()
    with pytest.raises(services.DuplicateFile):
        run("again.log", FILE_B)
    real = bulk.sqlite_indexes_to_rebuild
    monkeypatch.setattr(bulk, "SQLITE_REBUILD_MIN_ROWS", 1)
    names = [n for n, _ in real(db.cursor(), "telephony_call", 10**9)]
    assert names
    monkeypatch.setattr(
        bulk,
        "sqlite_indexes_to_rebuild",  # drops them, writes the rows, then fails to build them
        lambda *a: [(n, "CREATE INDEX broken ON no_such_table (x)") for n in names],
    )
    later = qlog(
        L(4000, "9.1", "q1", "NONE", "ENTERQUEUE", "", "13700003333"),
        L(4010, "9.1", "q1", "NONE", "ABANDON", 1, 1, 10),
        L(4020, "8.1", "q1", "NONE", "ENTERQUEUE", "", "13600004444"),
    )
    with pytest.raises(bulk.adbc_sqlite.Error):
        run("later.log", later)
    assert state() == before  # no row, batch, caller or pending line; the dropped indexes are back
    db.close()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_queue_log_lines_are_read_block_by_block_as_the_whole_file_would_be(monkeypatch, encoding):
    """The importer decodes the file lazily, block by block (cut after a newline): the same lines as decoding it whole."""
    text = (
        "\r\n".join(L(i, f"{i}.1", "热线", "NONE", "ENTERQUEUE", "", f"1380000{i:04d}") for i in range(50))
        + "\n\nlast|无换行"
    )
    data = text.encode(encoding)
    monkeypatch.setattr(services, "LINES_BLOCK", 7)
    assert (
        list(services.decoded_lines(data))
        == data.decode("gb18030" if encoding == "gb18030" else "utf-8-sig").splitlines()
    )
    with pytest.raises(RuleViolation):
        services.decoded_lines(b"\xff\xfe\x00bad\x81")


def test_calls_frame_times_are_the_parsed_instants():
    """calls_frame passes times to Polars as epoch microseconds: the same instants as the datetimes, None kept."""
    from zoneinfo import ZoneInfo

    import polars as pl

    from kefu.telephony.queue_log import ParsedCall

    shanghai = datetime(2026, 3, 2, 8, 0, 5, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    calls = [
        ParsedCall(
            call_id="a", queue="q", offered_at=shanghai, answered_at=datetime(1969, 12, 31, 23, 59, 59, 5, tzinfo=UTC)
        ),
        ParsedCall(call_id="b", queue="q", offered_at=datetime(2026, 3, 1, 16, 0, tzinfo=UTC), ended_at=None),
    ]
    frame = services.calls_frame(calls)
    assert frame.schema["offered_at"] == pl.Datetime("us", "UTC")
    assert frame.get_column("offered_at").to_list() == [
        shanghai.astimezone(UTC),
        datetime(2026, 3, 1, 16, 0, tzinfo=UTC),
    ]
    assert frame.get_column("answered_at").to_list() == [datetime(1969, 12, 31, 23, 59, 59, 5, tzinfo=UTC), None]
    assert frame.get_column("ended_at").to_list() == [None, None]
    assert services.calls_frame([]).height == 0


@pytest.mark.parametrize(
    "data",
    [
        CSV_CN.encode()
        + "A009,2026-03-02 08:00:05,接通,7001,1,1,1380000".encode()
        + b"\xff\n",  # a bad byte in a field
        CSV_CN.encode("utf-16"),  # bytes that pass for UTF-8 except the BOM of the header
        CSV_CN.encode("gbk"),
    ],
)
def test_csv_reader_tells_a_file_not_in_utf8(data):
    """Polars checks the fields' UTF-8, the reader the header: either way the error names the encoding."""
    import codecs

    from kefu.telephony import csv_import

    with pytest.raises(csv_import.CsvImportError, match="编码"):
        csv_import.read_calls(data, MAPPING, time_zone="Asia/Shanghai")
    assert csv_import.read_calls(codecs.BOM_UTF8 + CSV_CN.encode(), MAPPING, time_zone="Asia/Shanghai").height == 3


@pytest.mark.parametrize("piece", [4, 1 << 25])
def test_utf8_check_agrees_with_pythons_strict_decoder(monkeypatch, piece):
    """The encoding check of a queue_log (Polars' cast of the bytes, piece by piece) accepts exactly what Python's strict
    UTF-8 decoder accepts: truncated, overlong and surrogate sequences, code points above U+10FFFF, a BOM, GB18030 text,
    and a bad byte in a later piece than the first."""
    import random

    monkeypatch.setattr(services, "UTF8_CHECK_BYTES", piece)
    samples = [
        b"",
        b"abc\n",
        "张三\n李四".encode(),
        "张三".encode("gb18030"),
        b"\xed\xa0\x80",
        b"a\xc0\xafb",
        b"\xef\xbb\xbfx",
        b"\xf4\x90\x80\x80",
        "é\n".encode()[:-2],
        b"line one\nline two\n" * 3 + b"\xff\n",
    ]
    rng = random.Random(12)
    alphabet = [b"a", b"\n", b"|", "张".encode(), "é".encode(), b"\xe5", b"\xbc", b"\x80", b"\xff", b"\xf0\x9f\x98\x80"]
    samples += [b"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(400)]
    for data in samples:
        try:
            data.decode("utf-8")
            expected = True
        except UnicodeDecodeError:
            expected = False
        assert services.is_utf8(data) is expected, data


@pytest.mark.django_db(transaction=True)
def test_direct_import_gives_ids_as_autoincrement_never_reusing_one(tmp_path):
    """The direct SQLite import gives the calls' and the new callers' ids itself (bulk.next_id): above every id the table
    ever gave, so an id freed by a deleted batch is not given again, and SQLite's own next id comes after them."""
    if connection.vendor != "sqlite" or bulk.adbc_sqlite is None:
        pytest.skip("SQLite with adbc-driver-sqlite only")
    import sqlite3

    from kefu.org import services as org
    from kefu.telephony import csv_import

    center = org.create_center("ids", "编号")
    path = str(tmp_path / "copy.sqlite3")
    connection.ensure_connection()
    with sqlite3.connect(path) as db:
        connection.connection.backup(db)

    def run(data: str, sha: str):
        frame = csv_import.read_calls(data.encode(), MAPPING, time_zone=center.time_zone)
        return services.import_csv_direct(center, frame, file_name="a.csv", sha=sha, user=None, path=path)

    db = sqlite3.connect(path)
    run(CSV_CN, "a" * 64)
    first = db.execute("SELECT max(id) FROM telephony_call").fetchone()[0]
    first_caller = db.execute("SELECT max(id) FROM telephony_caller").fetchone()[0]
    db.execute("DELETE FROM telephony_call")
    db.execute("DELETE FROM telephony_caller")
    db.commit()
    run(CSV_CN.replace("A00", "B00"), "b" * 64)
    ids = [r[0] for r in db.execute("SELECT id FROM telephony_call ORDER BY call_id")]
    callers = sorted(r[0] for r in db.execute("SELECT id FROM telephony_caller"))
    assert ids == list(range(first + 1, first + 4)) and callers == list(range(first_caller + 1, first_caller + 4))
    assert db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'telephony_call'").fetchone() == (first + 3,)
    db.execute("INSERT INTO telephony_caller (center_id, number, number_digest) VALUES (?, '', NULL)", [center.pk])
    assert db.execute("SELECT max(id) FROM telephony_caller").fetchone() == (first_caller + 4,)
    db.close()
