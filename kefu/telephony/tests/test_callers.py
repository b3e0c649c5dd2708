"""Caller numbers: one row per number and center, masked when shown, every read audited, destroyed on a retention
schedule; import robustness (the page's lazy user, empty files, queue_log time formats)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils.functional import SimpleLazyObject

from kefu.audit.crypto import digest
from kefu.audit.models import AuditRecord
from kefu.errors import RuleViolation
from kefu.telephony import bulk, services
from kefu.telephony.models import Call, Caller, ImportBatch
from kefu.telephony.tests.test_import import CSV_CN, FILE_A, FILE_B, MAPPING, L, qlog

UTC = UTC


def raw_caller(pk: int) -> tuple:
    with connection.cursor() as cur:
        cur.execute("SELECT number, number_digest, destroyed_at FROM telephony_caller WHERE id = %s", [pk])
        return cur.fetchone()


@pytest.mark.django_db
def test_calls_list_masks_the_caller_and_audits_every_read_and_unmask(center, make_staff, client_for):
    services.import_queue_log(center, file_name="a.log", data=FILE_A + FILE_B)
    agent, senior = make_staff("qa"), make_staff("team_lead")
    masked = client_for(agent).get("/api/telephony/calls", {"unmask": "true"}).json()  # QA may read calls, not unmask
    assert {r["caller"] for r in masked} == {"138****1111", "139****2222"}
    read = AuditRecord.objects.filter(object_type="telephony.call").latest("id")
    assert (read.action, read.actor, read.note, read.fields) == (
        AuditRecord.Action.READ,
        agent.user,
        "",
        "caller_number",
    )
    assert sorted(int(i) for i in read.object_ids.split(",")) == sorted(Call.objects.values_list("id", flat=True))
    clear = client_for(senior).get("/api/telephony/calls", {"unmask": "true"}).json()
    assert {r["caller"] for r in clear} == {"13800001111", "13900002222"}
    unmasked = AuditRecord.objects.filter(object_type="telephony.call").latest("id")
    assert (unmasked.actor, unmasked.note) == (senior.user, "unmasked")


@pytest.mark.django_db
def test_destroyed_number_is_unreadable_and_not_found(center, make_staff, client_for):
    services.import_queue_log(center, file_name="a.log", data=FILE_A + FILE_B)
    caller = Caller.objects.get(number_digest=digest("13800001111"))
    assert services.destroy_callers(center, [caller.pk], "测试销毁") == 1
    number, number_digest, destroyed_at = raw_caller(caller.pk)
    assert (number, number_digest) == ("", None) and destroyed_at is not None  # no ciphertext left, no digest to match
    assert services.destroy_callers(center, [caller.pk], "再次") == 0
    record = AuditRecord.objects.get(action=AuditRecord.Action.DESTROY, object_type="telephony.caller")
    assert (
        record.object_ids == str(caller.pk)
        and record.note == "测试销毁"
        and record.channel == AuditRecord.Channel.SYSTEM
    )
    senior = make_staff("team_lead")
    shown = {
        r["call_id"]: r["caller"] for r in client_for(senior).get("/api/telephony/calls", {"unmask": "true"}).json()
    }
    assert shown == {"1.1": "", "2.1": "13900002222", "3.1": ""}
    # the calls keep their caller (a redial is still a redial for the KPIs); a new call from the number gets a new row
    assert Call.objects.filter(caller=caller).count() == 2
    services.import_queue_log(
        center, file_name="c.log", data=qlog(L(9000, "9.1", "q1", "NONE", "KF_BLOCKED", "13800001111", ""))
    )
    fresh = Call.objects.get(call_id="9.1").caller
    assert fresh.pk != caller.pk and fresh.number == "13800001111"


@pytest.mark.django_db
def test_retention_destroys_numbers_without_a_recent_call(center):
    from kefu.org.models import Policy

    services.import_queue_log(center, file_name="a.log", data=FILE_A + FILE_B)  # calls on 2026-03-02 (Shanghai)
    first = Call.objects.get(call_id="1.1").offered_at
    Policy.objects.update_or_create(center=center, defaults={"overrides": {"telephony": {"caller_retention_days": 30}}})
    assert services.destroy_expired_callers(now=first + timedelta(days=29)) == 0
    services.import_csv(
        center,
        file_name="later.csv",
        mapping=MAPPING,
        data=CSV_CN.replace("2026-03-02", "2026-03-25").replace("13900002222", "13600004444").encode(),
    )
    # 13800001111 called again on 03-25 (CSV); 13900002222 did not; 13600004444, 13700003333 are new
    destroyed = services.destroy_expired_callers(now=first + timedelta(days=31))
    assert destroyed == 1
    assert Caller.objects.get(destroyed_at__isnull=False).pk == Call.objects.get(call_id="2.1").caller_id
    assert Caller.objects.filter(destroyed_at__isnull=True).count() == 3
    record = AuditRecord.objects.get(action=AuditRecord.Action.DESTROY)
    assert "30天" in record.note and record.channel == AuditRecord.Channel.SYSTEM


def test_policy_refuses_a_bad_retention():
    from kefu.telephony import policy

    assert ("caller_retention_days", "主叫号码保存天数必须是不小于 1 的整数") in policy.validate(
        {**policy.PRESETS["hotline"], "caller_retention_days": 0}
    )


@pytest.mark.django_db(transaction=True)
def test_direct_csv_import_takes_the_pages_lazy_user(center, make_staff, tmp_path):
    """The page and the API pass request.user, a SimpleLazyObject: the direct SQLite import answered 500 ('no attribute
    _meta') when it looked the user's table up from its type."""
    if connection.vendor != "sqlite" or bulk.adbc_sqlite is None:
        pytest.skip("SQLite with adbc-driver-sqlite only")
    import sqlite3

    from kefu.telephony import csv_import

    staff = make_staff("supervisor")
    path = str(tmp_path / "copy.sqlite3")
    connection.ensure_connection()
    with sqlite3.connect(path) as db:
        connection.connection.backup(db)
    frame = csv_import.read_calls(CSV_CN.encode(), MAPPING, time_zone=center.time_zone)
    lazy = SimpleLazyObject(lambda: staff.user)
    batch_id, created = services.import_csv_direct(center, frame, file_name="a.csv", sha="a" * 64, user=lazy, path=path)
    db = sqlite3.connect(path)
    assert created == 3
    assert db.execute("SELECT imported_by_id FROM telephony_importbatch WHERE id = ?", [batch_id]).fetchone() == (
        staff.user.pk,
    )
    db.close()


@pytest.mark.django_db
def test_page_upload_with_a_session_records_who_imported(center, make_staff, client_for):
    staff = make_staff("supervisor")
    upload = SimpleUploadedFile("calls.csv", CSV_CN.encode())
    import json

    response = client_for(staff).post(
        "/telephony/import/upload/",
        {"file": upload, "format": "csv", "mapping": json.dumps(MAPPING, ensure_ascii=False)},
    )
    assert response.status_code == 200
    assert ImportBatch.objects.get().imported_by == staff.user and Call.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fmt,data",
    [("csv", b""), ("queue_log", b""), ("queue_log", b"\n \r\n"), ("csv", "话单编号,进线时间,结果\n".encode())],
)
def test_empty_file_is_refused_and_nothing_recorded(center, fmt, data):
    importer = services.import_csv if fmt == "csv" else services.import_queue_log
    kwargs = (
        {"mapping": {"columns": {"call_id": "话单编号", "offered_at": "进线时间", "outcome": "结果"}}}
        if fmt == "csv"
        else {}
    )
    with pytest.raises(RuleViolation) as exc:
        importer(center, file_name="empty", data=data, **kwargs)
    (problem,) = exc.value.problems
    assert (
        problem.field == "file"
        and problem.rule == "telephony.empty_file"
        and "没有" in problem.message
        or "为空" in problem.message
    )
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_api_refuses_an_empty_upload_in_chinese(center, make_staff, client_for):
    response = client_for(make_staff("supervisor")).post(
        "/api/telephony/import", {"file": SimpleUploadedFile("empty.log", b""), "format": "queue_log"}
    )
    assert response.status_code == 400
    (detail,) = response.json()["detail"]
    assert detail["field"] == "file" and "文件为空" in detail["message"]
    assert ImportBatch.objects.count() == 0


def local_line(sec: int, *rest) -> str:
    """L() with the time as the center's local 'YYYY-MM-DD HH:MM:SS' instead of Unix seconds."""
    from zoneinfo import ZoneInfo

    stamp = datetime.fromtimestamp(1772380800 + sec, tz=ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    return "|".join([stamp, *[str(r) for r in rest]])


@pytest.mark.django_db
def test_queue_log_line_with_a_datetime_among_epoch_lines_is_refused_by_line_number(center):
    lines = [
        L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "13800001111"),
        local_line(5, "1.1", "q1", "NONE", "ABANDON", 1, 1, 5),
        L(10, "2.1", "q1", "NONE", "ENTERQUEUE", "", "13900002222"),
        L(20, "2.1", "q1", "NONE", "ABANDON", 1, 1, 10),
    ]
    with pytest.raises(RuleViolation) as exc:
        services.import_queue_log(center, file_name="mixed.log", data=qlog(*lines))
    (problem,) = exc.value.problems
    assert problem.message.startswith("第2行：") and "同一文件的时间格式必须一致" in problem.message
    assert ImportBatch.objects.count() == 0 and Call.objects.count() == 0


@pytest.mark.django_db
def test_queue_log_wholly_in_local_datetimes_is_read_and_says_so(center, make_staff, client_for):
    lines = [
        local_line(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "13800001111"),
        local_line(5, "1.1", "q1", "NONE", "ABANDON", 1, 1, 5),
    ]
    outcome = services.import_queue_log(center, file_name="local.log", data=qlog(*lines))
    assert Call.objects.get().offered_at == datetime.fromtimestamp(1772380800, tz=UTC)
    assert len(outcome.notes) == 1 and "年-月-日" in outcome.notes[0] and "Asia/Shanghai" in outcome.notes[0]
    epoch = services.import_queue_log(
        center, file_name="epoch.log", data=qlog(L(9, "3.1", "q1", "NONE", "KF_BLOCKED", "1", ""))
    )
    assert epoch.notes == []
    # shown to the user: the API answer and the page
    staff = make_staff("supervisor")
    more = qlog(local_line(60, "4.1", "q1", "NONE", "KF_BLOCKED", "1", ""))
    answer = client_for(staff).post(
        "/api/telephony/import", {"file": SimpleUploadedFile("m.log", more), "format": "queue_log"}
    )
    assert answer.status_code == 200 and "年-月-日" in answer.json()["notes"][0]
    page = client_for(staff).post(
        "/telephony/import/upload/", {"file": SimpleUploadedFile("n.log", more + b"\n"), "format": "queue_log"}
    )
    assert "年-月-日" in page.content.decode()
