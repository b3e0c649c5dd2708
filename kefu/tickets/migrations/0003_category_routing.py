"""Categories and their routing become policy data; every existing order keeps what it had.

The five telecom categories and the flow templates of the time (004:L2001, L2055, L2075) are copied here, frozen:
each existing order gets its category's labels and the department its center's flow template named then (a
center's own flow-template overrides count). Time limits stay unset, as they were. A hotline center's overridden
flow templates become overrides of its categories' departments.
"""

import django.db.models.deletion
from django.db import migrations, models

LABELS = {
    "tariff": ("资费类", "Billing"),
    "service": ("服务类", "Service"),
    "network": ("网络类", "Network"),
    "business": ("业务类", "Products & services"),
    "other": ("其他", "Other"),
}
FLOW_TEMPLATES = {
    "tariff": "billing",
    "network": "network",
    "business": "marketing",
    "service": "province",
    "other": "province",
}


def _templates(policy) -> dict:
    over = (
        (policy.overrides or {}).get("tickets", {}) if policy is not None and isinstance(policy.overrides, dict) else {}
    )
    return {**FLOW_TEMPLATES, **(over.get("flow_templates") or {})}


def forward(apps, schema_editor):
    Center = apps.get_model("org", "Center")
    Department = apps.get_model("org", "Department")
    Policy = apps.get_model("org", "Policy")
    Order = apps.get_model("tickets", "Order")
    for center in Center.objects.all():
        policy = Policy.objects.filter(center=center).first()
        templates = _templates(policy)
        departments = dict(Department.objects.filter(center=center).values_list("code", "id"))
        for code in Order.objects.filter(center=center).values_list("category", flat=True).distinct():
            name, name_en = LABELS.get(code, (code, ""))
            Order.objects.filter(center=center, category=code).update(
                category_names={"name": name, "name_en": name_en},
                route_department_id=departments.get(templates.get(code)),
            )
        if (
            policy is not None
            and isinstance(policy.overrides, dict)
            and "flow_templates" in policy.overrides.get("tickets", {})
        ):
            tickets = dict(policy.overrides["tickets"])
            old = tickets.pop("flow_templates") or {}
            if policy.preset == "hotline":
                categories = tickets.setdefault("categories", {})
                for code, dept in old.items():
                    if code in LABELS and isinstance(dept, str):
                        categories.setdefault(code, {})["department"] = dept
            policy.overrides = {**policy.overrides, "tickets": tickets}
            policy.save(update_fields=["overrides"])


def backward(apps, schema_editor):
    pass  # the added columns go with the schema; the five codes are still valid on the way back


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_staff_employment"),
        ("tickets", "0002_event_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="category_names",
            field=models.JSONField(blank=True, default=dict, verbose_name="类别名称"),
        ),
        migrations.AddField(
            model_name="order",
            name="route_department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="org.department",
                verbose_name="默认承办部门",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="route_time_limit",
            field=models.JSONField(blank=True, null=True, verbose_name="承办时限"),
        ),
        migrations.AlterField(
            model_name="order",
            name="category",
            field=models.CharField(default="service", max_length=40, verbose_name="类别"),
        ),
        migrations.AlterField(
            model_name="typicalcase",
            name="category",
            field=models.CharField(max_length=40, verbose_name="类别"),
        ),
        migrations.RunPython(forward, backward),
    ]
