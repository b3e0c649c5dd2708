"""IVR satisfaction results (004:L1003 客户满意度调查, issue 15 item 2): a CSV of (call id or order number, time, key)
matched to orders, all or nothing with the row named, each result once; on the order's timeline and satisfaction,
counted in the survey figures, and a dissatisfied result re-dispatching the order like the SMS survey (004:L2127).
Also: the satisfaction found on a return visit becomes the order's latest, which K11-K14 count (004:L1917)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.followup import selectors, surveys
from kefu.followup.models import Survey
from kefu.scope import scope_of


def _csv(text: str) -> bytes:
    return text.encode("utf-8-sig")


def _when(order, minutes=30) -> str:
    return timezone.localtime(order.last_replied_at + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def call_of(center):
    """A call from the customer's number in the center's call records (the caller's keyed digest)."""
    from kefu.audit.crypto import digest
    from kefu.telephony.models import Call, Caller, ImportBatch

    def make(call_id: str, phone: str, at):
        batch, _ = ImportBatch.objects.get_or_create(center=center, kind="csv", file_name="calls.csv", sha256="x" * 64)
        caller, _ = Caller.objects.get_or_create(center=center, number_digest=digest(phone), defaults={"number": phone})
        return Call.objects.create(
            center=center, batch=batch, call_id=call_id, caller=caller, offered_at=at, outcome="ivr"
        )

    return make


def test_results_by_order_number_and_by_call_once_each(replied_complaint, people, call_of, client_for):
    order = replied_complaint
    call_of("1733300000.42", "13800138000", order.last_replied_at + timedelta(hours=1))
    body = _csv(f"呼叫编号,工单编号,时间,评分\n,{order.number},{_when(order)},1\n")
    client = client_for(people["lead"])
    first = client.post("/api/followup/surveys/ivr", {"file": SimpleUploadedFile("ivr.csv", body)}).json()
    assert (first["rows"], first["added"], first["unchanged"]) == (1, 1, 0)
    survey = Survey.objects.get(channel="ivr")
    assert (survey.answer, survey.score, survey.state) == ("satisfied", "1", "answered")
    assert order.events.filter(
        name="survey", code="followup.survey.event.ivr", params__answer__code="followup.satisfaction.satisfied"
    ).exists()
    # the same result again, and the same order through its call: nothing new
    again = client.post("/api/followup/surveys/ivr", {"file": SimpleUploadedFile("ivr.csv", body)}).json()
    assert (again["added"], again["unchanged"]) == (0, 1)
    by_call = _csv(f"呼叫编号,时间,评分\n1733300000.42,{_when(order, 70)},2\n")
    assert surveys.import_ivr(scope_of(people["lead"]), "x.csv", by_call).unchanged == 1
    assert Survey.objects.filter(channel="ivr").count() == 1


def test_bad_rows_are_named_and_nothing_is_imported(replied_complaint, people, client_for):
    order = replied_complaint
    body = _csv(
        "呼叫编号,工单编号,时间,评分\n"
        f",{order.number},{_when(order)},1\n"
        f",GD000,{_when(order)},1\n"
        f",{order.number},昨天,1\n"
        f",{order.number},{_when(order)},9\n"
        f"no-such-call,,{_when(order)},3\n"
        f",,{_when(order)},3\n"
    )
    response = client_for(people["lead"]).post("/api/followup/surveys/ivr", {"file": SimpleUploadedFile("i.csv", body)})
    assert response.status_code == 400
    assert [d["message"] for d in response.json()["detail"]] == [
        "IVR结果文件第 4 行“时间”列：“昨天”不是有效时间（如 2026-12-01 10:00:00）",
        "IVR结果文件第 5 行“评分”列：“9”不是可选的按键（1、2、3）",
        "IVR结果文件第 7 行：呼叫编号和工单编号至少填一个",
        "IVR结果文件第 3 行：本中心没有工单 GD000",
        "IVR结果文件第 6 行：本中心没有呼叫编号为 no-such-call 的话单",
    ]
    assert not Survey.objects.exists() and not order.events.filter(name="survey").exists()
    assert client_for(people["agent"]).post("/api/followup/surveys/ivr").status_code == 403


def test_dissatisfied_ivr_result_redispatches_and_counts_in_the_figures_004_L2127(replied_complaint, people, center):
    from kefu.org.models import Department
    from kefu.tickets.models import Order

    dept = Department.objects.create(center=center, code="billing", name="计费部")
    Order.objects.filter(pk=replied_complaint.pk).update(department=dept)
    body = _csv(f"工单编号,时间,评分\n{replied_complaint.number},{_when(replied_complaint)},3\n")
    result = surveys.import_ivr(scope_of(people["lead"]), "ivr.csv", body)
    assert (result.added, result.dissatisfied, result.redispatched) == (1, 1, 1)
    replied_complaint.refresh_from_db()
    assert (replied_complaint.state, replied_complaint.satisfaction) == ("processing", "dissatisfied")
    start = replied_complaint.last_replied_at - timedelta(days=1)
    f = selectors.figures(scope_of(people["lead"]), start, start + timedelta(days=3), timezone.now())
    assert (f.survey_satisfied.numerator, f.survey_satisfied.denominator) == (0, 1)
    agent = dict(f.agents)[people["agent"].staff_no]  # the acceptor answers for the order's survey
    assert agent.survey_satisfied.denominator == 1


def test_return_visit_satisfaction_becomes_the_orders_latest_for_k12_004_L1917(replied_complaint, people):
    from kefu.followup import services
    from kefu.followup.models import Task
    from kefu.tickets.selectors import kpi_order_rows

    services.scan(replied_complaint.replied_at + timedelta(minutes=1))
    task = Task.objects.get(kind="return_visit")
    assert replied_complaint.satisfaction == "satisfied"
    services.fire(
        scope_of(people["agent"]),
        task.pk,
        name="complete",
        version=task.version,
        result="客户仍不满意",
        satisfaction="dissatisfied",
    )
    replied_complaint.refresh_from_db()
    assert replied_complaint.satisfaction == "dissatisfied"
    rows = kpi_order_rows(
        replied_complaint.center,
        replied_complaint.accepted_at - timedelta(hours=1),
        replied_complaint.accepted_at + timedelta(hours=1),
    )
    assert [r["satisfaction"] for r in rows] == ["dissatisfied"]  # what K12 counts


def test_figures_page_per_agent_and_period(replied_complaint, people, client_for):
    body = _csv(f"工单编号,时间,评分\n{replied_complaint.number},{_when(replied_complaint)},2\n")
    surveys.import_ivr(scope_of(people["lead"]), "ivr.csv", body)
    day = timezone.localtime(replied_complaint.last_replied_at).date()
    answered = timezone.localtime(
        replied_complaint.last_replied_at + timedelta(minutes=30)
    ).date()  # after 23:30: the next day
    client = client_for(people["lead"])
    page = client.get(f"/followup/figures/?start={day:%Y-%m-%d}&end={answered:%Y-%m-%d}").content.decode()
    assert 'id="survey-satisfied">100.0%' in page and f"<td>{people['agent'].staff_no}</td>" in page
    before = client.get("/followup/figures/?start=2020-01-01&end=2020-01-31").content.decode()
    assert 'id="survey-satisfied">—' in before and "本期没有回访数据" in before  # an empty period: no rates
    assert client.get("/followup/figures/?start=2026-02-30").status_code == 400
    assert client.get("/followup/figures/?start=2026-03-02&end=2026-03-01").status_code == 400
    client.cookies["django_language"] = "en"
    english = client.get(f"/followup/figures/?start={day:%Y-%m-%d}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Follow-up figures per agent" in english and "Import IVR satisfaction results" in english
