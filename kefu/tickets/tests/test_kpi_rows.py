"""The contract of selectors.kpi_order_rows used by the KPI engine."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kefu.tickets import selectors

TZ = ZoneInfo("Asia/Shanghai")


def test_kpi_rows_contract(org, new_order, fire):
    start = datetime(2026, 11, 1, tzinfo=TZ)
    inside = new_order(accepted_at=datetime(2026, 11, 10, 9, 0, tzinfo=TZ).isoformat(), is_cross_province=True)
    new_order(
        kind="consultation", accepted_at=datetime(2026, 10, 31, 23, 59, tzinfo=TZ).isoformat(), phone="13900139000"
    )
    fire(inside, "review", org.dispatcher, review_opinion="有效")
    rows = selectors.kpi_order_rows(org.center, start, start + timedelta(days=30))
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {
        "id",
        "kind",
        "accepted_at",
        "replied_at",
        "reply_due",
        "satisfaction",
        "is_repeat",
        "is_cross_province",
        "is_key_account",
        "team_id",
        "agent_staff_no",
    }
    # level 2 = 48 clock hours after acceptance (004:L1297)
    assert row["reply_due"] == datetime(2026, 11, 12, 9, 0, tzinfo=TZ)
    assert row["kind"] == "complaint" and row["replied_at"] is None and row["satisfaction"] is None
    assert row["is_cross_province"] is True and row["agent_staff_no"] == "2001" and row["team_id"] == org.team.id


def test_kpi_rows_after_reply(org, new_order, fire):
    order = new_order(kind="consultation")
    fire(order, "answer", org.agent, reply_opinion="已解答", satisfaction="dissatisfied")
    rows = selectors.kpi_order_rows(
        org.center, order.accepted_at - timedelta(seconds=1), order.accepted_at + timedelta(seconds=1)
    )
    assert rows[0]["replied_at"] is not None and rows[0]["satisfaction"] == "dissatisfied"
