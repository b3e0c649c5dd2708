"""The workbench's labels are read from the catalogue that owns each, in the reader's language."""

import re

from django.utils import translation

from kefu.messages import render
from kefu.tickets import machine as tickets_machine
from kefu.workbench import labels

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_order_labels_are_the_tickets_catalogues():
    assert list(labels.STATE_NAMES) == list(tickets_machine.STATES)
    assert labels.STATE_NAMES["replied"] == render("tickets.order.state.replied") == "已回复"
    assert labels.KIND_NAMES.get("complaint") == render("tickets.kind.complaint")
    assert labels.KIND_NAMES.get("nonsense", "nonsense") == "nonsense"
    assert labels.CUSTOMER_KIND_NAMES["key_account"] == render("tickets.complainant_type.key_account")
    assert labels.TASK_KIND_NAMES["return_visit"] == render("followup.kind.return_visit") == "投诉回访"
    assert [n for n, _ in labels.LEVELS] == [1, 2, 3, 4]


def test_every_label_in_english_has_no_chinese_left():
    tables = (
        labels.STATE_NAMES,
        labels.KIND_NAMES,
        labels.CATEGORY_NAMES,
        labels.SATISFACTION_NAMES,
        labels.CUSTOMER_KIND_NAMES,
        labels.HIT_CATEGORY_NAMES,
        labels.FIELD_NAMES,
        labels.TASK_KIND_NAMES,
    )
    with translation.override("en"):
        shown = [text for table in tables for text in table.values()] + [text for _, text in labels.LEVELS]
        assert labels.STATE_NAMES["processing"] == render("tickets.order.state.processing")
    assert len(shown) > 30
    assert [t for t in shown if HAN.search(t)] == []
