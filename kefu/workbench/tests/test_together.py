"""Working together on an order (issue 17 item 3): internal comments with @mentions that notify, attachments
(uploaded files and call recordings, linked recordings) within the center's limits, kept encrypted, every download
audited, and gone with the order when retention destroys it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.audit.models import AuditRecord
from kefu.errors import RuleViolation

MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64


@pytest.fixture
def order(org):
    from kefu.tickets import services as tickets

    return tickets.create_order(
        org.center,
        org.agent,
        {
            "kind": "complaint",
            "phone": "13912345678",
            "customer_name": "王五",
            "subject": "话费多扣",
            "description": "本月话费多扣了20元",
            "category": "tariff",
            "level": 2,
        },
    )


def _override(center, **values):
    from kefu.org.models import Policy

    row, _ = Policy.objects.get_or_create(center=center)
    row.overrides = {**(row.overrides or {}), "workbench": values}
    row.save()


# ---------------------------------------------------------------- mentions (pure)


def test_mentions_by_number_and_name_longest_first():
    from kefu.workbench import mentions

    numbers = {"1001": 1, "1002": 2}
    names = {"张三": [1], "张三丰": [3], "李四": [2, 4]}
    found = mentions.find("@张三丰 请看，@1002 也看；邮件 a@b.com；再 @张三 @张三", numbers, names)
    assert found.staff_ids == [3, 2, 1]
    assert mentions.find("@李四 看一下", numbers, names).ambiguous == ["李四"]
    assert mentions.find("mail me at x@1001.cn", numbers, names).staff_ids == []  # an address, not a mention


# ---------------------------------------------------------------- comments


def test_a_comment_notifies_the_staff_it_mentions(org, order, scope_of_staff):
    from kefu.notify.models import Notification
    from kefu.workbench import services

    comment = services.add_comment(
        scope_of_staff(org.agent), order.pk, f"@{org.dispatcher.staff_no} 客户又来电催了；@{org.qa.name} 请听录音"
    )
    assert set(comment.mentioned.all()) == {org.dispatcher, org.qa}
    notes = Notification.objects.filter(code="workbench.notify.mentioned")
    assert {n.recipient for n in notes} == {org.dispatcher, org.qa}
    text = str(notes.first().params)
    assert order.number in text and f"{org.agent.name} ({org.agent.staff_no})" in text
    assert notes.first().link == f"/tickets/orders/{order.pk}/#together"


def test_bad_comments_change_nothing(org, order, scope_of_staff, make_staff):
    from kefu.workbench import services
    from kefu.workbench.models import Comment

    make_staff("agent", staff_no="2101", name="同名")
    make_staff("agent", staff_no="2102", name="同名")
    scope = scope_of_staff(org.agent)
    for text, rule in (
        ("   ", "workbench.comment.required"),
        ("字" * 2001, "workbench.comment.too_long"),
        ("@同名 请处理", "workbench.comment.ambiguous"),
    ):
        with pytest.raises(RuleViolation) as exc:
            services.add_comment(scope, order.pk, text)
        assert exc.value.problems[0].rule == rule and exc.value.problems[0].field == "text"
    assert not Comment.objects.exists()


def test_a_department_handler_comments_only_on_their_departments_orders(org, order, scope_of_staff):
    from kefu.workbench import services

    with pytest.raises(RuleViolation) as exc:
        services.add_comment(scope_of_staff(org.billing), order.pk, "看不到的工单")
    assert exc.value.status == 404


# ---------------------------------------------------------------- attachments


def test_an_uploaded_recording_is_kept_encrypted_and_read_back(org, order, scope_of_staff):
    from kefu.workbench import services
    from kefu.workbench.models import Attachment

    a = services.attach_file(scope_of_staff(org.agent), order.pk, "来电录音.mp3", "audio/mpeg", MP3, note="首次来电")
    raw = Attachment.objects.filter(pk=a.pk).values_list("content", flat=True).get()
    assert MP3 not in bytes(raw)  # encrypted at rest
    assert services.attachment_content(Attachment.objects.get(pk=a.pk)) == MP3
    assert a.is_audio and a.size == len(MP3) and a.content_type == "audio/mpeg"


def test_size_type_and_count_limits_come_from_the_policy(org, order, scope_of_staff):
    """004:L2023 (scans of letters and faxes) and 004:L967 (recordings): the types the policy lists, no larger."""
    from kefu.workbench import services
    from kefu.workbench.models import Attachment

    scope = scope_of_staff(org.agent)
    _override(org.center, attachment_max_mb=1, attachments_per_order=1)
    cases = [
        ("大录音.mp3", b"x" * (1024 * 1024 + 1), "workbench.attachment.too_large"),
        ("脚本.html", b"<script>", "workbench.attachment.type"),
        ("空.mp3", b"", "workbench.attachment.empty"),
    ]
    for name, data, rule in cases:
        with pytest.raises(RuleViolation) as exc:
            services.attach_file(scope, order.pk, name, "", data)
        assert exc.value.problems[0].rule == rule, name
    services.attach_file(scope, order.pk, "信函扫描.pdf", "application/pdf", b"%PDF-1.4 ...")
    with pytest.raises(RuleViolation) as exc:
        services.attach_file(scope, order.pk, "第二份.pdf", "application/pdf", b"%PDF-1.4 ...")
    assert exc.value.problems[0].rule == "workbench.attachment.too_many"
    assert Attachment.objects.count() == 1


def test_a_recording_is_linked_only_from_the_centers_recording_server(org, order, scope_of_staff):
    from kefu.workbench import services

    scope = scope_of_staff(org.agent)
    with pytest.raises(RuleViolation) as exc:
        services.link_recording(scope, order.pk, "https://rec.example.cn/2026/12/07/a.mp3")
    assert exc.value.problems[0].rule == "workbench.attachment.no_hosts"
    _override(org.center, recording_hosts=["rec.example.cn"])
    for url, rule in (
        ("ftp://rec.example.cn/a.mp3", "workbench.attachment.url_invalid"),
        ("https://evil.example.com/a.mp3", "workbench.attachment.host"),
    ):
        with pytest.raises(RuleViolation) as exc:
            services.link_recording(scope, order.pk, url)
        assert exc.value.problems[0].rule == rule
    a = services.link_recording(scope, order.pk, "https://rec.example.cn/2026/12/07/a.mp3")
    assert a.kind == "link" and a.is_audio and a.name == "a.mp3"


def test_attachments_and_comments_go_with_the_order_at_retention(org, order, scope_of_staff):
    """Retention (tickets.services.destroy_expired) destroys the archived order; its attachments and comments with it."""
    from kefu.tickets import services as tickets
    from kefu.tickets.models import Order
    from kefu.workbench import services
    from kefu.workbench.models import Attachment, Comment

    scope = scope_of_staff(org.agent)
    services.attach_file(scope, order.pk, "来电录音.mp3", "audio/mpeg", MP3)
    services.add_comment(scope, order.pk, "已核实")
    Order.objects.filter(pk=order.pk).update(state="archived", archived_at=timezone.now() - timedelta(days=800))
    assert tickets.destroy_expired() == 1
    assert not Attachment.objects.exists() and not Comment.objects.exists()
    assert AuditRecord.objects.filter(action="destroy", object_type="tickets.order", object_ids=str(order.pk)).exists()


# ---------------------------------------------------------------- pages


def test_the_page_adds_comments_uploads_and_plays_with_an_audit_record(org, order, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(org.agent)
    page = client.get(f"/workbench/orders/{order.pk}/")
    assert page.status_code == 200 and order.number in page.content.decode()
    answer = client.post(f"/workbench/orders/{order.pk}/comments/", {"text": f"@{org.qa.staff_no} 请复听"})
    assert answer.status_code == 302
    answer = client.post(
        f"/workbench/orders/{order.pk}/attachments/",
        {"file": SimpleUploadedFile("来电.mp3", MP3, content_type="audio/mpeg"), "note": "录音"},
    )
    assert answer.status_code == 302
    html = client.get(f"/workbench/orders/{order.pk}/").content.decode()
    assert "请复听" in html and "<audio" in html and f"{org.qa.name} ({org.qa.staff_no})" in html
    from kefu.workbench.models import Attachment

    a = Attachment.objects.get()
    before = AuditRecord.objects.count()
    played = client.get(f"/workbench/attachments/{a.pk}/")
    assert played.status_code == 200 and played.content == MP3 and played["Content-Type"] == "audio/mpeg"
    assert AuditRecord.objects.count() == before + 1
    assert AuditRecord.objects.filter(
        object_type="workbench.attachment", object_ids=str(a.pk), action="read", staff_no=org.agent.staff_no
    ).exists()


def test_page_errors_name_the_field_and_change_nothing(org, order, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kefu.workbench.models import Attachment, Comment

    client = client_for(org.agent)
    answer = client.post(f"/workbench/orders/{order.pk}/comments/", {"text": ""})
    assert answer.status_code == 400 and "备注内容：必须填写" in answer.content.decode()
    answer = client.post(
        f"/workbench/orders/{order.pk}/attachments/",
        {"file": SimpleUploadedFile("a.exe", b"MZ", content_type="application/octet-stream")},
    )
    assert answer.status_code == 400 and "不是可上传的类型" in answer.content.decode()
    assert not Comment.objects.exists() and not Attachment.objects.exists()


def test_a_linked_recording_is_sent_on_after_the_read_is_recorded_and_the_page_allows_its_host(
    org, order, client_for, scope_of_staff
):
    from kefu.workbench import services

    _override(org.center, recording_hosts=["rec.example.cn"])
    a = services.link_recording(scope_of_staff(org.agent), order.pk, "https://rec.example.cn/r/1.wav")
    client = client_for(org.dispatcher)
    page = client.get(f"/workbench/orders/{order.pk}/")
    assert "https://rec.example.cn" in page["Content-Security-Policy"].split("media-src")[1].split(";")[0]
    answer = client.get(f"/workbench/attachments/{a.pk}/")
    assert answer.status_code == 302 and answer["Location"] == "https://rec.example.cn/r/1.wav"
    assert AuditRecord.objects.filter(
        object_type="workbench.attachment", object_ids=str(a.pk), staff_no=org.dispatcher.staff_no
    ).exists()


def test_another_department_or_center_gets_404(org, order, client_for, scope_of_staff):
    from kefu.org import services as org_services
    from kefu.workbench import services

    a = services.attach_file(scope_of_staff(org.agent), order.pk, "a.mp3", "audio/mpeg", MP3)
    other = org_services.create_center("other", "他中心")
    stranger = org_services.create_staff(
        other, staff_no="9901", name="他人", roles=["agent"], username="u9901", password="Kefu-test-2026!"
    )
    for staff in (org.billing, stranger):
        client = client_for(staff)
        assert client.get(f"/workbench/orders/{order.pk}/").status_code == 404
        assert client.get(f"/workbench/attachments/{a.pk}/").status_code == 404
        assert client.post(f"/workbench/orders/{order.pk}/comments/", {"text": "x"}).status_code == 404
