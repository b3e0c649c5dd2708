"""Order timeline rows written by follow-up as prose (chases, survey answers) become code + parameters, so they are
shown in the reader's language like every other history row."""

from django.db import migrations

CHASE_NAMES = {"chase_chase": "chase", "chase_auto": "auto", "chase_supervise": "supervise"}
ANSWERS = {"满意": "satisfied", "不满意": "dissatisfied"}


def survey_fields(label: str, note: str) -> dict:
    """满意度调查 / IVR满意度调查 with a note "满意" or "不满意：<comment>"."""
    head, _sep, comment = (note or "").partition("：")
    answer = ANSWERS.get(head.strip())
    if answer is None:  # a note this code never wrote: keep it whole as the customer's words
        answer, comment = "", note or ""
    params = {"answer": {"code": f"followup.satisfaction.{answer}", "params": {}}} if answer else {}
    return {
        "code": f"followup.survey.event.{'ivr' if label.startswith('IVR') else 'sms'}",
        "note_code": "followup.survey.event.answer" if answer else "",
        "params": params,
        "note": comment,
        "staff_no": "",
        "by_system": True,
    }


def forwards(apps, schema_editor):
    OrderEvent = apps.get_model("tickets", "OrderEvent")
    Chase = apps.get_model("followup", "Chase")
    for e in OrderEvent.objects.filter(code="", name__in=CHASE_NAMES).select_related("order__department"):
        chase = (
            Chase.objects.filter(order_id=e.order_id, kind=CHASE_NAMES[e.name], at=e.at)
            .select_related("department")
            .first()
        )
        dept = chase.department if chase is not None else e.order.department  # the department chased then
        e.code = f"followup.chase.event.{CHASE_NAMES[e.name]}"
        e.params = {"department": dept.name if dept else ""}
        e.note_code = "followup.chase.event.note" if dept else ""
        if e.staff_no == "系统":
            e.staff_no, e.by_system = "", True
        e.save(update_fields=["code", "params", "note_code", "staff_no", "by_system"])
    for e in OrderEvent.objects.filter(code="", name="survey"):
        for key, value in survey_fields(e.label, e.note).items():
            setattr(e, key, value)
        e.save(update_fields=["code", "note_code", "params", "note", "staff_no", "by_system"])


class Migration(migrations.Migration):
    dependencies = [("followup", "0004_campaigns"), ("tickets", "0002_event_codes")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
