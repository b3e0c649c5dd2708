"""The manager's scheduled reports: a daily and a weekly e-mail with the follow-up figures (callback timeliness,
complaint visit coverage, satisfaction found on visits and surveys, overdue tasks, chases per department) and the
center's main order figures, the Excel attached; sent with Django's mail API by the followup-reports timer.

Who receives them and when is the center's policy (`report_roles`, `report_emails`, `daily_report_hour`,
`weekly_report_weekday`, `weekly_report_hour`; 002:L261 the weekly satisfaction summary to the director by Monday
18:00, 002:L214 the week's chases, feedback and visits). Each report is one ManagerReport row per center, kind and
period, created (claimed) before the e-mail goes out: a timer that fires twice, or two workers at once, send it
once. A failed send is retried at the next rounds up to the notify policy's `max_attempts`; a send whose worker
died mid-way stays "sending" and is never sent again automatically (nothing is sent twice).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from kefu.followup import chasing, report_rules, selectors
from kefu.followup.models import ManagerReport
from kefu.followup.rules import Rate
from kefu.messages import Msg, render
from kefu.org.policy import policy_for
from kefu.org.roles import Role
from kefu.scope import Scope

log = logging.getLogger(__name__)


def center_scope(center) -> Scope:
    """The whole center, read on the manager's behalf (a timer has no caller)."""
    return Scope(user=None, staff=None, center=center, roles=frozenset({Role.MANAGER}), departments=frozenset())


def recipients(center, pol: dict) -> list[str]:
    """E-mail addresses of the active staff holding one of `report_roles` (their notification e-mail, else their
    account's), and the policy's `report_emails`."""
    from kefu.notify.models import Preference
    from kefu.org.models import Staff

    staff = (
        Staff.objects.filter(center=center, is_active=True, user__groups__name__in=pol["report_roles"])
        .select_related("user")
        .distinct()
    )
    chosen = {p.staff_id: p.email for p in Preference.objects.filter(staff__in=staff).exclude(email="")}
    found = [chosen.get(s.pk) or s.user.email for s in staff]
    found += list(pol["report_emails"])
    return sorted({a.strip() for a in found if a and "@" in a})


@dataclass(frozen=True)
class Report:
    subject: str
    body: str
    file_name: str
    workbook: bytes


def _rate(r) -> str:
    return "—" if r.percent is None else f"{r.percent}% ({r.numerator}/{r.denominator})"


def compose(center, due: report_rules.Due, now: datetime) -> Report:
    """The e-mail and its Excel in the active language (the timer renders it in the center's language)."""
    from openpyxl import Workbook

    from kefu.tickets.selectors import kpi_order_rows
    from kefu.web.sheets import append

    scope = center_scope(center)
    start = timezone.make_aware(datetime.combine(due.first, time.min))
    end = timezone.make_aware(datetime.combine(due.last + timedelta(days=1), time.min))
    f = selectors.figures(scope, start, end, now)
    orders = report_rules.order_figures(kpi_order_rows(center, start, end))
    departments = chasing.by_department(scope, start, end)
    period = (
        due.first.isoformat()
        if due.first == due.last
        else render("followup.report.span", {"first": due.first, "last": due.last})
    )
    subject = render(f"followup.report.subject.{due.kind}", {"center": center.name, "period": period})
    on_time = Rate(orders.replied_on_time, orders.replied)
    satisfied = Rate(orders.satisfied, orders.rated)
    figures = [
        ("followup.report.row.timeliness", f.timeliness),
        ("followup.report.row.coverage", f.coverage),
        ("followup.report.row.visit_satisfied", f.satisfied),
        ("followup.report.row.survey_satisfied", f.survey_satisfied),
        ("followup.report.row.all_satisfied", f.all_satisfied),
        ("followup.report.row.reply_on_time", on_time),
        ("followup.report.row.order_satisfied", satisfied),
    ]
    lines = [subject, ""]
    lines += [f"{render(code)}：{_rate(rate)}" for code, rate in figures]
    lines.append(render("followup.report.line.target", {"target": f.target}))
    lines.append(render("followup.report.line.overdue", {"count": f.open_overdue}))
    lines.append(render("followup.report.line.orders", {"accepted": orders.accepted, "replied": orders.replied}))
    kinds = [
        str(Msg("followup.report.kind_count", kind=Msg(f"followup.campaign.order_kind.{k}"), count=n))
        for k, n in orders.by_kind
    ]
    if kinds:
        lines.append(render("followup.report.line.kinds", {"kinds": kinds}))
    lines.append("")
    lines.append(render("followup.report.line.chases"))
    lines += [render("followup.report.line.department", d) for d in departments] or [render("followup.report.none")]
    lines += ["", render("followup.report.line.attached")]

    wb = Workbook()
    ws = wb.active
    ws.title = render("followup.report.sheet.figures")[:31]
    append(ws, [subject])
    append(
        ws,
        [
            render("followup.report.col.figure"),
            render("followup.report.col.percent"),
            render("followup.report.col.numerator"),
            render("followup.report.col.denominator"),
        ],
    )
    for code, rate in figures:
        append(ws, [render(code), rate.percent, rate.numerator, rate.denominator])
    append(ws, [render("followup.report.row.overdue"), f.open_overdue])
    append(ws, [render("followup.report.row.accepted"), orders.accepted])
    for k, n in orders.by_kind:
        append(ws, [render(f"followup.campaign.order_kind.{k}"), n])
    agents = wb.create_sheet(render("followup.report.sheet.agents")[:31])
    append(agents, [render("followup.report.col.staff_no")] + [render(c) for c, _ in figures[:4]])
    for staff_no, k in f.agents:
        append(
            agents,
            [staff_no, k.timeliness.percent, k.coverage.percent, k.visit_satisfied.percent, k.survey_satisfied.percent],
        )
    chases = wb.create_sheet(render("followup.report.sheet.chases")[:31])
    append(chases, [render(f"followup.report.col.{c}") for c in ("department", "chase", "auto", "supervise", "total")])
    for d in departments:
        append(chases, [d["department"], d["chase"], d["auto"], d["supervise"], d["total"]])
    out = io.BytesIO()
    wb.save(out)
    file_name = f"{due.kind}-{due.first:%Y%m%d}-{due.last:%Y%m%d}.xlsx"
    return Report(subject, "\n".join(lines), file_name, out.getvalue())


def _claim(center, due: report_rules.Due, now: datetime, max_attempts: int) -> ManagerReport | None:
    """The row this round may send: created now, or a failed one with tries left (taken by a conditional update)."""
    try:
        with transaction.atomic():
            return ManagerReport.objects.create(
                center=center, kind=due.kind, first=due.first, last=due.last, created_at=now
            )
    except IntegrityError:
        pass
    row = ManagerReport.objects.get(center=center, kind=due.kind, first=due.first)
    if row.state != ManagerReport.State.FAILED or row.attempts >= max_attempts:
        return None
    if not ManagerReport.objects.filter(pk=row.pk, state=ManagerReport.State.FAILED).update(
        state=ManagerReport.State.SENDING
    ):
        return None  # another worker took it
    return row


def send(row: ManagerReport, report: Report, to: list[str], now: datetime) -> bool:
    from django.core.mail import EmailMessage

    attempts = row.attempts + 1
    if not to:
        ManagerReport.objects.filter(pk=row.pk).update(
            state=ManagerReport.State.FAILED, attempts=attempts, last_error="no recipients"
        )
        return False
    message = EmailMessage(
        subject=report.subject, body=report.body, to=to, from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None)
    )
    message.attach(
        report.file_name, report.workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001  (smtplib, socket and backend errors alike: retried next round)
        log.warning("报表邮件 %s 发送失败：%s", row.pk, exc)
        ManagerReport.objects.filter(pk=row.pk).update(
            state=ManagerReport.State.FAILED, attempts=attempts, last_error=str(exc)[:300]
        )
        return False
    ManagerReport.objects.filter(pk=row.pk).update(
        state=ManagerReport.State.SENT, attempts=attempts, sent_at=now, recipients=", ".join(to)[:5000], last_error=""
    )
    return True


def send_due(now: datetime | None = None) -> dict:
    """Every center's reports whose moment has passed and that are not sent yet (the timer's round)."""
    from kefu.org.models import Center

    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0}
    for center in Center.objects.all():
        pol = policy_for("followup", center)
        max_attempts = policy_for("notify", center)["max_attempts"]
        for due in report_rules.due_reports(timezone.localtime(now), pol):
            row = _claim(center, due, now, max_attempts)
            if row is None:
                continue
            try:
                with translation.override(settings.LANGUAGE_CODE):
                    report = compose(center, due, now)
            except Exception as exc:  # noqa: BLE001  (a report that cannot be built is retried, not left claimed)
                log.exception("报表 %s 未能生成", row.pk)
                ManagerReport.objects.filter(pk=row.pk).update(
                    state=ManagerReport.State.FAILED, attempts=row.attempts + 1, last_error=str(exc)[:300]
                )
                counts["failed"] += 1
                continue
            counts["sent" if send(row, report, recipients(center, pol), now) else "failed"] += 1
    return counts
