"""The manager's scheduled reports: a daily and a weekly e-mail (002:L261 the weekly satisfaction summary to the
director by Monday 18:00; 002:L214 the week's chases and visits) with the Excel attached, to the policy's roles and
addresses, each sent once even when the timer fires twice, retried after a failure, in English too."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from kefu.followup import report_rules, reports, services
from kefu.followup.models import ManagerReport
from kefu.followup.policy import PRESETS

POL = PRESETS["hotline"]


def _at(y, m, d, h, minute=0):
    return datetime(y, m, d, h, minute)


def test_what_is_due_when_002_L261():
    """2026-12-07 is a Monday. The daily report (yesterday) from 08:00; the weekly one (last Monday-Sunday) from
    Monday 17:00, before the seed's 18:00, and for the rest of the week if the timer was down then."""
    assert report_rules.due_reports(_at(2026, 12, 7, 7, 59), POL) == []
    assert report_rules.due_reports(_at(2026, 12, 7, 8, 0), POL) == [
        report_rules.Due("daily", date(2026, 12, 6), date(2026, 12, 6))
    ]
    assert report_rules.due_reports(_at(2026, 12, 7, 16, 59), POL) == [
        report_rules.Due("daily", date(2026, 12, 6), date(2026, 12, 6))
    ]
    weekly = report_rules.Due("weekly", date(2026, 11, 30), date(2026, 12, 6))
    assert weekly in report_rules.due_reports(_at(2026, 12, 7, 17, 0), POL)
    assert report_rules.due_reports(_at(2026, 12, 8, 3, 0), POL) == [weekly]  # Tuesday night: still due
    assert weekly in report_rules.due_reports(_at(2026, 12, 13, 23, 0), POL)  # Sunday
    friday = {**POL, "weekly_report_weekday": 5, "weekly_report_hour": 9, "reports_daily": False}
    assert report_rules.due_reports(_at(2026, 12, 10, 12, 0), friday) == []
    assert report_rules.due_reports(_at(2026, 12, 11, 9, 0), friday) == [weekly]


def test_order_figures_of_a_period():
    t = datetime(2026, 12, 1, 10, 0)
    rows = [
        {"kind": "complaint", "replied_at": t, "reply_due": t + timedelta(hours=1), "satisfaction": "satisfied"},
        {"kind": "complaint", "replied_at": t, "reply_due": t - timedelta(hours=1), "satisfaction": "dissatisfied"},
        {"kind": "consultation", "replied_at": None, "reply_due": t, "satisfaction": None},
    ]
    f = report_rules.order_figures(rows)
    assert (f.accepted, f.replied, f.replied_on_time, f.satisfied, f.rated) == (3, 2, 1, 1, 2)
    assert f.by_kind == (("complaint", 2), ("consultation", 1))


@pytest.fixture
def managers(make_staff):
    from kefu.notify.models import Preference

    manager = make_staff("manager", staff_no="6001")
    manager.user.email = "boss@example.cn"
    manager.user.save(update_fields=["email"])
    supervisor = make_staff("supervisor", staff_no="5101")
    Preference.objects.create(staff=supervisor, email="duty@example.cn")
    agent = make_staff("agent", staff_no="2101")
    agent.user.email = "agent@example.cn"
    agent.user.save(update_fields=["email"])
    return manager, supervisor, agent


def _monday_evening():
    return timezone.make_aware(datetime(2026, 12, 7, 17, 30))


def test_daily_and_weekly_sent_once_with_the_excel(managers, replied_complaint, settings):
    from openpyxl import load_workbook

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    now = _monday_evening()
    assert reports.send_due(now) == {"sent": 2, "failed": 0}
    assert reports.send_due(now + timedelta(minutes=10)) == {"sent": 0, "failed": 0}  # the timer fires again
    assert len(mail.outbox) == 2
    daily, weekly = sorted(mail.outbox, key=lambda m: "周报" in m.subject)
    assert daily.subject == "测试中心 回访日报 2026-12-06"
    assert weekly.subject == "测试中心 回访周报 2026-11-30 至 2026-12-06"
    assert sorted(daily.to) == ["boss@example.cn", "duty@example.cn"]  # the agent is not a recipient
    assert "回呼及时率：" in daily.body and "投诉回访率目标：100%" in daily.body and "明细见附件 Excel。" in daily.body
    assert "002:L" not in daily.body and not re.search(r"\d{4}-\d\d-\d\dT", daily.body)
    name, content, kind = daily.attachments[0]
    assert name == "daily-20261206-20261206.xlsx" and kind.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["指标", "座席", "催办督办"]
    rows = [[c.value for c in r] for r in wb["指标"].iter_rows()]
    assert rows[1] == ["指标", "百分比", "分子", "分母"] and rows[2][0] == "回呼及时率"
    rows = {r[0]: r for r in ManagerReport.objects.values_list("kind", "state", "attempts", "recipients")}
    assert rows["weekly"][1:] == ("sent", 1, "boss@example.cn, duty@example.cn")


def test_the_weekly_report_counts_the_weeks_visits_002_L261(managers, replied_complaint, settings):
    """The week's complaint return visits: the replied complaint of the week is one required visit."""
    from openpyxl import load_workbook

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    replied_at = timezone.localtime(replied_complaint.replied_at)
    services.scan(replied_complaint.replied_at + timedelta(minutes=5))
    monday = replied_at.date() - timedelta(days=replied_at.weekday())
    next_monday = timezone.make_aware(
        datetime.combine(monday + timedelta(days=7), datetime.min.time()) + timedelta(hours=17)
    )
    reports.send_due(next_monday)
    weekly = next(m for m in mail.outbox if "周报" in m.subject)
    wb = load_workbook(io.BytesIO(weekly.attachments[0][1]))
    figures = {r[0].value: [c.value for c in r] for r in wb["指标"].iter_rows(min_row=3)}
    assert figures["投诉回访率"][2:] == [0, 1]  # one complaint to visit, not visited yet
    assert figures["受理工单"][1] == 1 and figures["投诉"][1] == 1
    assert "投诉回访率：0.0% (0/1)" in weekly.body


def test_a_failed_send_is_retried_and_never_doubled(managers, settings, monkeypatch):
    from django.core.mail import EmailMessage

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    original = EmailMessage.send
    failures = {"left": 1}

    def flaky(self, fail_silently=False):
        if failures["left"]:
            failures["left"] -= 1
            raise OSError("connection refused")
        return original(self, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    now = timezone.make_aware(datetime(2026, 12, 8, 9, 0))  # Tuesday: the daily and last week's
    assert reports.send_due(now) == {"sent": 1, "failed": 1}
    failed = ManagerReport.objects.get(state="failed")
    assert (failed.attempts, failed.last_error) == (1, "connection refused")
    assert reports.send_due(now + timedelta(minutes=10)) == {"sent": 1, "failed": 0}
    assert reports.send_due(now + timedelta(minutes=20)) == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 2 and ManagerReport.objects.filter(state="sent").count() == 2


def test_no_recipient_is_a_failure_on_record_not_a_crash(center, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reports.send_due(_monday_evening()) == {"sent": 0, "failed": 2}
    assert set(ManagerReport.objects.values_list("last_error", flat=True)) == {"no recipients"}
    assert mail.outbox == []


def test_the_report_reaches_a_local_smtp_server_with_its_attachment(managers, settings):
    from kefu.notify.tests.loopback import SMTPServer, serve

    server = SMTPServer()
    serve(server)
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.DEFAULT_FROM_EMAIL = "kefu@localhost"
        now = timezone.make_aware(datetime(2026, 12, 8, 9, 0))
        assert reports.send_due(now)["sent"] == 2
        assert reports.send_due(now)["sent"] == 0
    finally:
        server.shutdown()
        server.server_close()
    assert len(server.received) == 2
    message = next(r["message"] for r in server.received if "日报" in r["message"]["Subject"])
    assert sorted(server.received[0]["to"]) == ["boss@example.cn", "duty@example.cn"]
    parts = [p for p in message.iter_attachments()]
    assert [p.get_filename() for p in parts] == ["daily-20261207-20261207.xlsx"]
    assert parts[0].get_content()[:2] == b"PK"


def test_the_report_in_english(managers, replied_complaint):
    due = report_rules.Due("weekly", date(2026, 11, 30), date(2026, 12, 6))
    with translation.override("en"):
        report = reports.compose(managers[0].center, due, _monday_evening())
    assert report.subject == "测试中心 follow-up weekly report 2026-11-30 to 2026-12-06"
    body = report.body.replace("测试中心", "")
    assert "Complaint visit coverage goal: 100%" in body and "Details in the attached Excel file." in body
    assert re.findall(r"[\u4e00-\u9fff]+", body) == []
