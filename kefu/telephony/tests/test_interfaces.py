"""CLI, API and upload page."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from kefu.audit.models import AuditRecord
from kefu.telephony import services
from kefu.telephony.models import Call, ImportBatch
from kefu.telephony.tests.test_import import CSV_CN, FILE_A, FILE_B, MAPPING, L, qlog


@pytest.mark.django_db
def test_cli_imports_queue_log_and_refuses_bad_files(center, tmp_path, capsys):
    path = tmp_path / "queue_log"
    path.write_bytes(FILE_A + FILE_B)
    call_command("import_calls", str(path), "--format", "queue_log", "--center", center.code)
    assert "新增通话 3" in capsys.readouterr().out
    call_command("import_calls", str(path), "--format", "queue_log", "--center", center.code)
    assert "未新增任何记录" in capsys.readouterr().out
    bad = tmp_path / "bad.log"
    bad.write_text("1772380800|1.9|q|NONE|ENTERQUEUE||1\noops\n")
    with pytest.raises(CommandError, match="未导入任何记录"):
        call_command("import_calls", str(bad), "--center", center.code)
    assert "第2行" in capsys.readouterr().err
    assert Call.objects.count() == 3


@pytest.mark.django_db
def test_cli_imports_csv_with_mapping_file(center, tmp_path, capsys):
    (tmp_path / "calls.csv").write_text(CSV_CN, encoding="utf-8")
    (tmp_path / "map.json").write_text(json.dumps(MAPPING, ensure_ascii=False), encoding="utf-8")
    call_command(
        "import_calls",
        str(tmp_path / "calls.csv"),
        "--format",
        "csv",
        "--mapping",
        str(tmp_path / "map.json"),
        "--center",
        center.code,
    )
    assert Call.objects.count() == 3 and "新增通话 3" in capsys.readouterr().out


def test_kefu_console_script_turns_dashes_into_underscores(monkeypatch):
    import sys

    from kefu import cli

    seen = {}
    monkeypatch.setattr(sys, "argv", ["kefu", "import-calls", "--help"])
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda argv: seen.setdefault("argv", argv))
    cli.main()
    assert seen["argv"][1] == "import_calls"


@pytest.mark.django_db
def test_api_lists_calls_masked_and_records_the_read(center, make_staff, client_for):
    services.import_queue_log(center, file_name="a.log", data=FILE_A + FILE_B)
    lead = make_staff("team_lead")
    response = client_for(lead).get("/api/telephony/calls", {"day_from": "2026-03-02", "day_to": "2026-03-02"})
    assert response.status_code == 200
    rows = response.json()
    assert {r["call_id"] for r in rows} == {"1.1", "2.1", "3.1"}
    assert all("13800001111" != r["caller"] and r["caller"] for r in rows)
    audit = AuditRecord.objects.filter(object_type="telephony.call").latest("id")
    assert (
        audit.action == AuditRecord.Action.READ
        and audit.fields == "caller_number"
        and audit.channel == AuditRecord.Channel.API
    )
    # other days are outside the filter (counted on the local day it entered the queue)
    assert client_for(lead).get("/api/telephony/calls", {"day_from": "2026-03-03"}).json() == []


@pytest.mark.django_db
def test_api_unmask_only_for_roles_that_may(center, make_staff, client_for):
    services.import_queue_log(center, file_name="a.log", data=FILE_A)
    admin = make_staff("admin")
    from kefu.audit.services import can_unmask

    rows = client_for(admin).get("/api/telephony/calls", {"unmask": "true"}).json()
    expected = "13800001111" if can_unmask(admin.user) else None
    if expected:
        assert rows[0]["caller"] == expected
    qa = make_staff("qa")
    rows = client_for(qa).get("/api/telephony/calls", {"unmask": "true"}).json()
    assert rows[0]["caller"] != "13800001111" or can_unmask(qa.user)


@pytest.mark.django_db
def test_api_upload_and_errors(center, make_staff, client_for):
    sup = make_staff("supervisor")
    client = client_for(sup)
    ok = client.post("/api/telephony/import", {"file": SimpleUploadedFile("a.log", FILE_A), "format": "queue_log"})
    assert ok.status_code == 200 and ok.json()["calls_created"] == 1
    bad = client.post(
        "/api/telephony/import",
        {"file": SimpleUploadedFile("c.csv", CSV_CN.encode()), "format": "csv", "mapping": "{oops"},
    )
    assert bad.status_code == 400 and "字段映射不是有效的 JSON" in bad.json()["detail"][0]["message"]
    assert client.get("/api/telephony/batches").json()[0]["file_name"] == "a.log"
    agent = make_staff("agent")
    assert (
        client_for(agent).post("/api/telephony/import", {"file": SimpleUploadedFile("b.log", FILE_B)}).status_code
        == 403
    )


@pytest.mark.django_db
def test_upload_page_htmx_result_and_errors(center, make_staff, client_for):
    client = client_for(make_staff("manager"))
    assert client.get("/telephony/import/").status_code == 200
    good = client.post(
        "/telephony/import/upload/",
        {"file": SimpleUploadedFile("a.log", FILE_A), "format": "queue_log"},
        HTTP_HX_REQUEST="true",
    )
    assert "导入成功" in good.content.decode() and ImportBatch.objects.count() == 1
    bad = client.post(
        "/telephony/import/upload/",
        {
            "file": SimpleUploadedFile("b.log", qlog(L(0, "9.9", "q", "NONE", "ENTERQUEUE", "", "1"), "1772380800|x")),
            "format": "queue_log",
        },
        HTTP_HX_REQUEST="true",
    )
    html = bad.content.decode()
    assert "导入失败" in html and "第2行：字段不足" in html and ImportBatch.objects.count() == 1
    assert client_for(make_staff("agent")).get("/telephony/import/").status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_upload_page_in_browser(center, make_staff, login, screenshot, tmp_path):
    page = login(make_staff("supervisor"))
    page.goto(page.base_url + "/telephony/import/")
    good = tmp_path / "queue_log.2026-03-02"
    good.write_bytes(FILE_A)
    page.set_input_files("input[name=file]", str(good))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#result .badge.ok")
    screenshot("telephony-import-ok")
    assert "新增通话" in page.inner_text("#result")
    assert "queue_log.2026-03-02" in page.inner_text("#batches")
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV_CN.replace("2026-03-02 08:01:00", "昨天"), encoding="utf-8")
    page.set_input_files("input[name=file]", str(bad))
    page.check("input[value=csv]")
    page.fill("textarea[name=mapping]", json.dumps(MAPPING, ensure_ascii=False))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#result .badge.bad")
    assert "第3行" in page.inner_text("#result")
    screenshot("telephony-import")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        "agent",
        "senior_agent",
        "team_lead",
        "supervisor",
        "qa",
        "editor",
        "dispatcher",
        "dept_handler",
        "manager",
        "hr",
        "admin",
        "auditor",
    ],
)
def test_role_matrix_of_telephony_operations(role, make_staff, client_for):
    """The same check as kefu/tests/test_permission_matrix.py, for this app's operations and page."""
    from kefu.access import permissions
    from kefu.org.roles import Role

    table = permissions()
    client = client_for(make_staff(role))
    calls = [
        ("telephony.list_batches", client.get("/api/telephony/batches")),
        ("telephony.list_calls", client.get("/api/telephony/calls")),
        ("telephony.import_file", client.post("/api/telephony/import", {"format": "queue_log"})),
        ("page.telephony.import", client.get("/telephony/import/")),
    ]
    for op_id, response in calls:
        if Role(role) in table[op_id]:
            assert response.status_code in (200, 400, 422), (op_id, response.status_code)
        else:
            assert response.status_code == 403, (op_id, response.status_code)


@pytest.mark.django_db
def test_import_from_the_interfaces_refreshes_the_kpi_rollups_of_the_days_touched(center, monkeypatch):
    from datetime import date

    from kefu.telephony.api import run_import

    seen = []
    kpi_services = pytest.importorskip("kefu.kpi.services")
    monkeypatch.setattr(kpi_services, "refresh_rollups", lambda c, first, last: seen.append((c, first, last)) or 7)
    run_import(center, "a.log", FILE_A + FILE_B, "queue_log", "", None)
    assert seen == [(center, date(2026, 3, 2), date(2026, 3, 2))]  # T0 is 00:00 on 2 March in Asia/Shanghai
    run_import(center, "a.log", FILE_A + FILE_B, "queue_log", "", None)  # duplicate: nothing to refresh
    assert len(seen) == 1
