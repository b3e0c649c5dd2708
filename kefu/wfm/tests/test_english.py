"""The wfm pages in English (issue #2): a user who picked English sees no Chinese outside user data."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kefu.wfm import services
from kefu.wfm.models import FloorStep
from kefu.wfm.tests.english import assert_english, english_client, menu_labels
from kefu.wfm.tests.test_pages import _history


@pytest.fixture(scope="class")
def planned(django_db_setup, django_db_blocker):
    """Four weeks of history and two forecasts (~10 s of writes), built once for the tests of a class that only
    read them: inside an outer transaction that each test's own transaction nests in as a savepoint, and that is
    rolled back after the class's last test."""
    from django.db import transaction

    from kefu.org.services import create_center

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            center = create_center("test", "测试中心")
            _history(center)
            services.build_forecast(center, start=date(2026, 6, 22), days=7)  # inside last month for tables ④⑤
            services.build_forecast(center, start=date(2026, 7, 1), days=3)
            services.add_adjustment(
                center,
                name="短信宣传",
                start=timezone.now(),
                end=timezone.now() + timedelta(hours=2),
                factor=1.2,
                extra_calls=0,
                by=None,
            )
            yield center
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


class TestPlannedMonth:
    @pytest.fixture
    def center(self, db, planned):
        """make_staff's center: the planned one, read afresh."""
        return type(planned).objects.get(pk=planned.pk)

    def test_forecast_staffing_and_five_tables_in_english(self, make_staff, client_for):
        client = english_client(client_for(make_staff("team_lead", "manager")))
        assert_english(
            client.get("/wfm/forecast/?start=2026-07-01"),
            "Call forecast",
            "Event adjustments",
            "Build forecast",
            "Backtest error WAPE",
            '"calls": "Forecast volume"',
            user_data=("短信宣传",),
        )
        assert_english(
            client.get("/wfm/staffing/?day=2026-07-01&model=A"),
            "Staffing requirements by interval",
            "Service level",
            "Abandonment rate",
            "Occupancy",
            "shrinkage",
            "Binding constraint",
        )
        assert_english(client.get("/wfm/staffing/?day=2026-08-20"), "No forecast for 2026-08-20 yet")
        r = client.post(
            "/wfm/forecast/adjustments/",
            {"name": "", "start": "2026-07-01T09:00", "end": "2026-07-01T08:00"},
            follow=True,
        )
        assert_english(r, "Enter the event name", user_data=("短信宣传",))  # a service's rule, in English
        html = assert_english(
            client.get("/wfm/five-tables/?month=2026-07"),
            'Scheduling "five tables" · July 2026',
            "Last month (June 2026)",
            "Forecast volume",
            "Capacity",
            "Export to Excel",
        )
        assert "Seat counts from" in html
        assert menu_labels(html, "wfm") == [
            "Call forecast",
            "Staffing requirements",
            "Five tables",
            "Real-time escalation",
        ]

    def test_chinese_stays_the_default(self, make_staff, client_for):
        client = client_for(make_staff("team_lead"))
        html = client.get("/wfm/forecast/?start=2026-07-01").content.decode()
        assert "话务预测 · 2026-07-01 至 2026-07-07" in html and "事件调整" in html and "Call forecast" not in html


def _pending_step(center) -> FloorStep:
    """Six minutes of a long queue: the ladder proposes its first step."""
    t0 = timezone.now() - timedelta(minutes=30)
    for m in range(0, 6):
        services.observe_floor(center, 7, now=t0 + timedelta(minutes=m))
    return FloorStep.objects.get(center=center, status="pending")


def test_floor_panel_in_english(center, make_staff, client_for):
    # 004:L767: the ladder proposes the floating experts; the proposal, its reason and the log read in English
    sup = make_staff("supervisor")
    step = _pending_step(center)
    client = english_client(client_for(sup))
    assert_english(
        client.get("/wfm/floor/"),
        "Real-time escalation",
        "Proposal awaiting confirmation",
        "calls in queue &gt;",
        "Pending",
        "Sign in",
        "Reject",
    )
    r = client.post(f"/wfm/floor/steps/{step.pk}/decide/", {"decision": "confirm"}, HTTP_HX_REQUEST="true")
    assert_english(r, "Confirmed: Sign in", "Backup staff signed in")


def test_floor_decision_message_in_chinese(center, make_staff, client_for):
    # The status label already reads 已确认: the flash must not say 已已确认.
    sup = make_staff("supervisor")
    step = _pending_step(center)
    html = (
        client_for(sup)
        .post(f"/wfm/floor/steps/{step.pk}/decide/", {"decision": "confirm"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "已确认：" in html and "已已" not in html
