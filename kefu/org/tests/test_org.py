import json
import types

import pytest
from pydantic import Field

from kefu.errors import RuleViolation
from kefu.org import policy as policy_mod
from kefu.org.models import Policy, Staff
from kefu.org.policy_types import Bool, Int, Num, PolicyModel


class _DemoTargets(PolicyModel):
    connect_rate: Num(gt=0, le=1) = Field(description="接通率目标")


class _DemoRules(PolicyModel):
    answer_limit_seconds: Int() = Field(description="应答时限（秒）")
    targets: _DemoTargets = Field(description="目标")
    enabled: Bool() = Field(description="启用")


@pytest.fixture
def fake_section(monkeypatch):
    module = types.SimpleNamespace(
        SECTION="demo_rules",
        MODEL=_DemoRules,
        PRESETS={
            "hotline": {"answer_limit_seconds": 15, "targets": {"connect_rate": 0.85}, "enabled": True},
            "gov12345": {"answer_limit_seconds": 15, "targets": {"connect_rate": 0.9}, "enabled": True},
            "ecommerce": {"answer_limit_seconds": 30, "targets": {"connect_rate": 0.8}, "enabled": False},
        },
        validate=lambda data: [("answer_limit_seconds", "应为正数")] if data["answer_limit_seconds"] <= 0 else [],
    )
    monkeypatch.setattr(policy_mod, "sections", lambda: {"demo_rules": module})
    return module


@pytest.mark.django_db
def test_policy_is_preset_merged_with_overrides(center, fake_section):
    assert policy_mod.policy_for("demo_rules", center)["targets"]["connect_rate"] == 0.85
    Policy.objects.filter(center=center).update(
        preset="ecommerce", overrides={"demo_rules": {"targets": {"connect_rate": 0.7}}}
    )
    effective = policy_mod.policy_for("demo_rules", center)
    assert effective == {"answer_limit_seconds": 30, "targets": {"connect_rate": 0.7}, "enabled": False}


@pytest.mark.django_db
def test_policy_overrides_are_validated(center, fake_section):
    from kefu.org.services import update_policy

    for bad, field in [
        ({"demo_rules": {"answer_limit_seconds": -1}}, "demo_rules.answer_limit_seconds"),
        ({"demo_rules": {"answer_limit_seconds": "15"}}, "demo_rules.answer_limit_seconds"),
        ({"demo_rules": {"unknown": 1}}, "demo_rules.unknown"),
        ({"nope": {}}, "nope"),
    ]:
        with pytest.raises(RuleViolation) as err:
            update_policy(center, preset="hotline", overrides=bad)
        assert err.value.problems[0].field == field
    assert Policy.objects.get(center=center).overrides == {}
    update_policy(center, preset="gov12345", overrides={"demo_rules": {"answer_limit_seconds": 20}})
    assert policy_mod.policy_for("demo_rules", center)["answer_limit_seconds"] == 20


def test_every_app_policy_has_all_presets():
    for name, module in policy_mod.sections().items():
        for preset in policy_mod.PRESET_NAMES:
            assert isinstance(module.PRESETS[preset], dict), (name, preset)
            if hasattr(module, "validate"):
                assert module.validate(module.PRESETS[preset]) == [], (name, preset)


@pytest.mark.django_db
def test_create_staff_rules(center, make_staff):
    from kefu.org.services import create_staff

    make_staff("agent", staff_no="1001")
    cases = [
        (dict(staff_no="1001", name="重复", roles=["agent"]), "staff_no"),
        (dict(staff_no="1-2", name="格式", roles=["agent"]), "staff_no"),
        (dict(staff_no="1002", name="", roles=["agent"]), "name"),
        (dict(staff_no="1003", name="角色", roles=["boss"]), "roles"),
        (dict(staff_no="1004", name="等级", roles=["agent"], level=9), "level"),
    ]
    before = Staff.objects.count()
    for kwargs, field in cases:
        with pytest.raises(RuleViolation) as err:
            create_staff(center, **kwargs)
        assert err.value.problems[0].field == field
    assert Staff.objects.count() == before


@pytest.mark.django_db
def test_staff_api_errors_are_chinese_and_change_nothing(make_staff, client_for):
    admin = make_staff("admin")
    client = client_for(admin)
    before = Staff.objects.count()
    res = client.post(
        "/api/org/staff",
        json.dumps({"staff_no": "x" * 30, "name": "张三", "roles": ["agent"]}),
        content_type="application/json",
    )
    assert (
        res.status_code == 422
        and res.json()["detail"][0]["field"] == "staff_no"
        and "20" in res.json()["detail"][0]["message"]
    )
    res = client.post(
        "/api/org/staff",
        json.dumps({"staff_no": "3001", "name": "张三", "roles": ["agent"], "level": "high"}),
        content_type="application/json",
    )
    assert (
        res.status_code == 422
        and res.json()["detail"][0]["field"] == "level"
        and "整数" in res.json()["detail"][0]["message"]
    )
    res = client.post(
        "/api/org/staff", json.dumps({"staff_no": "3001", "name": "张三"}), content_type="application/json"
    )
    assert res.status_code == 422 and res.json()["detail"][0]["message"] == "roles：必填"
    res = client.post(
        "/api/org/staff",
        json.dumps({"staff_no": "3001", "name": "张三", "roles": ["agent"], "team_id": 424242}),
        content_type="application/json",
    )
    assert res.status_code == 404
    assert Staff.objects.count() == before
    ok = client.post(
        "/api/org/staff",
        json.dumps({"staff_no": "3001", "name": "张三", "roles": ["agent"]}),
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["roles"] == ["agent"]


def test_real_presets_accept_their_own_shape_and_refuse_broken_lists():
    """Docs review finding: a malformed list item crashed validation (500) instead of a Chinese error."""
    from kefu.org.policy import sections, validate_overrides

    for name, module in sections().items():
        assert validate_overrides("hotline", {name: module.PRESETS["hotline"]}) == [], name
        for key, value in module.PRESETS["hotline"].items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                errors = validate_overrides("hotline", {name: {key: ["x"]}})
                assert errors and errors[0][0] == f"{name}.{key}[0]" and errors[0][1] == "应为对象", (name, key, errors)


def test_collections_accept_new_records_with_the_same_fields():
    from kefu.org.policy import validate_overrides

    ok = {"attendance": {"kinds": {"study": {"label": "学习假", "notice_hours": 24, "certificate_from_days": None}}}}
    assert validate_overrides("hotline", ok) == []
    bad = {"attendance": {"kinds": {"study": {"label": "学习假"}}}}
    assert ("attendance.kinds.study.notice_hours", "缺少此项") in validate_overrides("hotline", bad)


def test_rows_of_a_fixed_shape_are_checked_position_by_position():
    """A grade band is [lowest score, grade]: a text score or a short row is refused by name, a good row accepted."""
    from kefu.org.policy import validate_overrides

    good = {"discipline": {"appraisal": {"bands": [[95, "excellent"], [0, "poor"]]}}}
    assert validate_overrides("hotline", good) == []
    bad = {"discipline": {"appraisal": {"bands": [["九十", "excellent"], [0]]}}}
    assert validate_overrides("hotline", bad) == [
        ("discipline.appraisal.bands[0][0]", "应为数字"),
        ("discipline.appraisal.bands[1]", "应为 2 项的列表"),
    ]
