"""The lazy links to telephony calls and the knowledge phrase checker (skipped only if those apps are absent)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.quality import links, services
from kefu.quality.models import Evaluation

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def calls(qa_setup):
    Call = links.call_model()
    if Call is None:
        pytest.skip("kefu.telephony 未安装")
    from kefu.org import services as org_services
    from kefu.telephony.models import ImportBatch

    s = qa_setup
    batch = ImportBatch.objects.create(center=s["center"], kind="csv", file_name="t.csv", sha256="x" * 64)
    other = org_services.create_center("other", "别的中心")
    other_batch = ImportBatch.objects.create(center=other, kind="csv", file_name="o.csv", sha256="y" * 64)
    rows = []
    n = 0
    for agent in s["agents"]:
        for i in range(7):
            n += 1
            rows.append(
                Call(
                    center=s["center"],
                    batch=batch,
                    call_id=f"T{n:03d}",
                    call_type="投诉" if i < 2 else "咨询",
                    offered_at=datetime(2026, 10, 2 + i, 10, tzinfo=TZ),
                    outcome="answered",
                    talk_seconds=120.5,
                    agent_staff_no=agent.staff_no,
                    agent=agent,
                    queue="1860",
                    disposition="已解答",
                )
            )
    rows += [
        Call(
            center=s["center"],
            batch=batch,
            call_id="ABANDON",
            offered_at=datetime(2026, 10, 3, tzinfo=TZ),
            outcome="abandoned",
            talk_seconds=0,
            agent_staff_no="",
        ),
        Call(
            center=s["center"],
            batch=batch,
            call_id="NOVEMBER",
            offered_at=datetime(2026, 11, 1, 0, 0, tzinfo=TZ),
            outcome="answered",
            talk_seconds=90,
            agent_staff_no="2001",
        ),
        Call(
            center=other,
            batch=other_batch,
            call_id="OTHER",
            offered_at=datetime(2026, 10, 3, tzinfo=TZ),
            outcome="answered",
            talk_seconds=90,
            agent_staff_no="2001",
        ),
    ]
    Call.objects.bulk_create(rows)
    return rows


def test_month_calls_reads_answered_calls_of_the_center_and_month(qa_setup, calls):
    start, end = services.month_bounds(qa_setup["center"], date(2026, 10, 1))
    found = links.month_calls(qa_setup["center"], start, end)
    assert len(found) == 14 and {c["call_id"] for c in found} == {f"T{i:03d}" for i in range(1, 15)}
    assert found[0]["talk_seconds"] == 120


def test_month_tasks_from_telephony(qa_setup, calls):  # 004:L1531
    run, created = services.create_month_tasks(qa_setup["center"], date(2026, 10, 1), seed="t")
    rows = Evaluation.objects.filter(sampling_run=run)
    assert created and rows.count() == 10
    for agent in qa_setup["agents"]:
        kinds = sorted(rows.filter(agent=agent).values_list("call_type", flat=True))
        assert kinds == ["咨询", "咨询", "咨询", "咨询", "投诉"]  # 5 × 2/7 = 1.43 -> 1 投诉, 5 × 5/7 = 3.57 -> 4 咨询


def test_scoring_page_shows_the_call(qa_setup, calls, client_for):
    s = qa_setup
    call = links.call_model().objects.get(call_id="T001")
    e = services.assign_spot_check(
        s["center"], call={"call_id": "T001", "ref": call.pk}, agent=s["agents"][0], inspector=s["qa"][0]
    )
    body = client_for(s["qa"][0]).get(f"/quality/evaluations/{e.pk}/").content.decode()
    assert "1860" in body and "已解答" in body


def test_phrase_checker_hits_shown_on_the_scoring_page(qa_setup, client_for):
    pytest.importorskip("kefu.knowledge.phrases")
    from kefu.knowledge.phrases import check

    s = qa_setup
    text = "我没办法，你自己先查清楚"
    expected = check(text)
    assert expected, "用语检查应识别服务忌语"
    e = services.assign_spot_check(s["center"], call={"call_id": "PH1"}, agent=s["agents"][0], inspector=s["qa"][0])
    services.transition(
        e,
        name="score",
        actor=s["qa"][0],
        marks={i.key: {"awarded": i.points} for i in s["card"].items.all()},
        notes=text,
    )
    body = client_for(s["qa"][0]).get(f"/quality/evaluations/{e.pk}/").content.decode()
    for hit in expected:
        assert f'<span class="hit">{hit.phrase}</span>' in body
