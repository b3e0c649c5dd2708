"""Typed policy sections (issue 13, item 7): one model per section, validation on save through it, generated docs."""

from __future__ import annotations

import json
import re

import pytest

from kefu.org import policy as policy_mod
from kefu.org.models import Policy
from kefu.org.policy import PRESET_NAMES, sections, validate_overrides
from kefu.org.policy_types import model_errors

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_preset_of_every_section_fits_its_model():
    found = sections()
    assert len(found) >= 16  # tickets … workcal's shifts; a new section brings its model
    for name, module in found.items():
        for preset in PRESET_NAMES:
            assert model_errors(module.MODEL, module.PRESETS[preset]) == [], (name, preset)


def test_every_key_has_a_chinese_description():
    def walk(model, where):
        for key, field in model.model_fields.items():
            assert field.description and CJK.search(field.description), f"{where}.{key}"
            for sub in _models_in(field.annotation):
                walk(sub, f"{where}.{key}")

    for name, module in sections().items():
        walk(module.MODEL, name)


def _models_in(annotation):
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


@pytest.mark.parametrize("bad", [-1, 0, 2.5, "15", True, None])
def test_a_bad_value_is_named_with_its_rule(bad):
    assert validate_overrides("hotline", {"tickets": {"retention_days": bad}}) == [
        ("tickets.retention_days", "必须是大于 0 的整数")
    ]


def test_rules_of_each_kind_read_as_one_chinese_sentence():
    cases = [
        (("followup", "owner", "agent"), "只能是 acceptor 之一"),
        (("roster", "interval_minutes", "30"), "只能是 15、30、60 之一"),  # 30, not "30"
        (("attendance", "night_leave_deadline", "25:00"), "必须是 HH:MM 格式的时间（00:00-23:59）"),
        (("shiftlog", "require_equipment_state", "yes"), "应为布尔值（true/false）"),
        (("roster", "max_weekends_ratio", 1.5), "必须是 0 到 1 之间的数"),
        (("roster", "holiday_slack_ratio", 1), "必须是不小于 0 且小于 1 的数"),
        (("shop", "size_allowance", "五"), '必须是写成文字的不小于 0 的数（如 "20" 或 "0.5"）'),
        (
            ("knowledge", "notify_roles", ["boss"]),
            "只能是 "
            + "、".join(
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
                ]
            )
            + " 之一",
        ),
        (("telephony", "agent_map", {"SIP/zhang": 1001}), "必须是 1 到 20 个字的文字"),
        (("training", "trainer_roles", []), "至少要有 1 项"),
        (("tickets", "nope", 1), "未知的参数"),
    ]
    for (section, key, value), message in cases:
        errors = validate_overrides("hotline", {section: {key: value}})
        assert len(errors) == 1 and errors[0][1] == message, (section, key, errors)
        assert errors[0][0].startswith(f"{section}.{key}"), errors


def test_a_hand_written_rule_keeps_its_words_and_rules_across_keys_still_apply():
    """validate() words the field it knows better; a rule across keys comes on top of the model's."""
    # 004:L1531: the scorecard totals 100 points; each app's validate() stays in force
    assert validate_overrides("hotline", {"quality": {"samples_per_agent_month": 0}}) == [
        ("quality.samples_per_agent_month", "每人每月监听次数应为正整数")
    ]
    errors = validate_overrides("hotline", {"tickets": {"compensation": {"deputy_from": 6000}}})
    assert errors == [("tickets.compensation", "副总经理审批下限应小于总经理审批线")]
    errors = dict(
        validate_overrides("hotline", {"wfm": {"forecast": {"history_weeks": 0}, "ladder": {"band_low": 12}}})
    )
    assert errors == {
        "wfm.forecast.history_weeks": "必须是不小于 1 的整数",
        "wfm.ladder.band_low": "应急签入区间下限应小于上限（5 < 等待人数 ≤ 10）",
    }


def _wrong_values(value):
    """Values of another type than the preset's."""
    if isinstance(value, bool):
        return ["true", 1]
    if isinstance(value, int | float):
        return ["5", [5], {"a": 1}]
    if isinstance(value, str):
        return [5, ["x"], {"a": 1}]
    if isinstance(value, list):
        return ["x", {"a": 1}, [{"a": {"b": 1}}]]
    if isinstance(value, dict):
        return ["x", [1], {"__unknown__": 1}]
    return [{"a": 1}]


def test_any_wrong_value_of_any_key_is_refused_by_name_in_chinese():
    """No override can reach the code with the wrong type, and no error is an English or internal text."""
    for name, module in sections().items():
        for preset in PRESET_NAMES:
            for key, value in module.PRESETS[preset].items():
                for wrong in _wrong_values(value):
                    if wrong == value:
                        continue
                    errors = validate_overrides(preset, {name: {key: wrong}})
                    assert errors, (name, preset, key, wrong)
                    for field, message in errors:
                        assert field.startswith(f"{name}."), (name, key, wrong, errors)
                        assert CJK.search(message) and "Input" not in message and "Error" not in message, (
                            name,
                            key,
                            wrong,
                            errors,
                        )


def test_a_section_without_a_model_is_refused(monkeypatch):
    import types

    fake = types.SimpleNamespace(SECTION="demo", PRESETS=dict.fromkeys(PRESET_NAMES, {}))
    monkeypatch.setattr(policy_mod, "app_modules", lambda name: iter([("demo", fake)]))
    with pytest.raises(RuntimeError, match="MODEL"):
        policy_mod.sections.__wrapped__()


@pytest.mark.django_db
def test_the_api_refuses_a_bad_override_by_name_and_changes_nothing(center, make_staff, client_for):
    admin = make_staff("admin")
    client = client_for(admin)
    Policy.objects.update_or_create(
        center=center, defaults={"preset": "hotline", "overrides": {"kpi": {"redial_window_days": 7}}}
    )
    res = client.put(
        "/api/org/policy",
        json.dumps(
            {
                "preset": "hotline",
                "overrides": {
                    "tickets": {"retention_days": "365"},
                    "shifts": {"templates": [{"code": "D", "name": "白班", "start": "8点", "hours": 9}]},
                },
            }
        ),
        content_type="application/json",
    )
    assert res.status_code == 400, res.content
    detail = {d["field"]: d["message"] for d in res.json()["detail"]}
    assert detail["tickets.retention_days"] == "tickets.retention_days：必须是大于 0 的整数"
    assert detail["shifts.templates[0].start"].startswith("shifts.templates[0].start：")
    assert Policy.objects.get(center=center).overrides == {"kpi": {"redial_window_days": 7}}
    ok = client.put(
        "/api/org/policy",
        json.dumps({"preset": "hotline", "overrides": {"tickets": {"retention_days": 365}}}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["effective"]["tickets"]["retention_days"] == 365


@pytest.mark.django_db
def test_the_admin_form_shows_the_field_and_the_rule(center):
    from kefu.org.admin import PolicyForm

    row = Policy.objects.get_or_create(center=center, defaults={"preset": "hotline", "overrides": {}})[0]
    form = PolicyForm(
        data={"center": center.pk, "preset": "hotline", "overrides": json.dumps({"notify": {"max_attempts": 0}})},
        instance=row,
    )
    assert not form.is_valid()
    assert form.non_field_errors() == ["notify.max_attempts：必须是不小于 1 的整数"]
    assert Policy.objects.get(pk=row.pk).overrides == {}


def test_docs_policies_md_is_what_the_generator_prints():
    """docs/policies.md below its marker is generated: run `manage.py policy_docs --write` after changing a model or
    a preset."""
    from kefu.org.policy_docs import DOC, render

    current = DOC.read_text(encoding="utf-8")
    assert current == render(current), "docs/policies.md 与模型不一致：请运行 manage.py policy_docs --write"
