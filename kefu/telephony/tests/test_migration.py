"""The move to one Caller row per number: calls stored before it (a Fernet token and a digest on each call) keep their
numbers, one row per distinct number and center."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kefu.audit.crypto import digest, encrypt


@pytest.mark.django_db(transaction=True)
def test_calls_stored_before_get_one_caller_row_per_number():
    from kefu.org import services as org

    a, b = org.create_center("m1", "一"), org.create_center("m2", "二")
    executor = MigrationExecutor(connection)
    executor.migrate([("telephony", "0005_one_call_index_by_time_and_agent")])
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO telephony_importbatch (center_id, kind, file_name, sha256, rows, calls, sessions, pauses, pending, "
            "imported_at) VALUES (%s, 'csv', 'old.csv', %s, 4, 4, 0, 0, 0, CURRENT_TIMESTAMP)",
            [a.pk, "f" * 64],
        )
        cur.execute("SELECT id FROM telephony_importbatch")
        batch = cur.fetchone()[0]
        for center, call_id, number in [
            (a, "1", "13800001111"),
            (a, "2", "13800001111"),
            (a, "3", ""),
            (b, "4", "13800001111"),
        ]:
            cur.execute(
                "INSERT INTO telephony_call (center_id, batch_id, call_id, queue, call_type, is_vip, caller_number, "
                "caller_digest, offered_at, outcome, requested_agent, queued, wait_seconds, talk_seconds, hold_seconds, "
                "acw_seconds, transferred, transfer_kind, transfer_target, disposition, agent_staff_no, hangup_by) "
                "VALUES (%s, %s, %s, '', '', false, %s, 'old', CURRENT_TIMESTAMP, 'answered', true, false, 0, 0, 0, 0, "
                "false, '', '', '', '', '')",
                [center.pk, batch, call_id, encrypt(number) if number else ""],
            )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from kefu.telephony.models import Call, Caller

    calls = {c.call_id: c for c in Call.objects.select_related("caller")}
    assert calls["1"].caller_id == calls["2"].caller_id != calls["4"].caller_id and calls["3"].caller_id is None
    assert calls["1"].caller.number == calls["4"].caller.number == "13800001111"
    assert Caller.objects.filter(number_digest=digest("13800001111")).count() == 2  # one per center
    assert calls["1"].caller_digest == str(calls["1"].caller_id)  # the identity the KPI engine matches redials on
