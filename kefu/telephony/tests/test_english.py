"""The call-data import page in English (issue #2): form, field list, result and recent imports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.telephony.tests.test_import import FILE_A
from kefu.web.tests.english import assert_english, english

pytestmark = pytest.mark.django_db


def test_import_page_and_result_in_english(make_staff, client_for, center):
    client = english(client_for(make_staff("supervisor", staff_no="7201")))
    html = assert_english(
        client.get("/telephony/import/"),
        "Call data import",
        "Upload file",
        "CSV (column mapping)",
        "ACW time",
        "No imports yet",
        user_data=(center.name,),
    )
    assert "Call record ID" in html  # the mapping example's column names follow the language
    r = client.post("/telephony/import/upload/", {"format": "queue_log", "file": SimpleUploadedFile("a.log", FILE_A)})
    assert_english(
        r,
        "Imported: a.log",
        "New calls",
        "Rows waiting for the next file",
        "Asterisk queue_log",
        user_data=(center.name,),
    )
    r = client.post("/telephony/import/upload/", {"format": "queue_log"}, HTTP_HX_REQUEST="true")
    assert_english(r, "Import failed. Nothing was imported.", "Please choose a file to import")


def test_chinese_page_unchanged(make_staff, client_for):
    html = client_for(make_staff("supervisor", staff_no="7202")).get("/telephony/import/").content.decode()
    assert "话务数据导入" in html and "话单编号" in html and "事后处理时长" in html and "Upload" not in html
