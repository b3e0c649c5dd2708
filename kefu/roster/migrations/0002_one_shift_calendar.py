"""One shift calendar (issue 13): a center's edited shift hours move to the policy section `shifts`.

Before, shift hours were written in four places: the roster section (`roster.shifts`, and the ShiftTemplate rows
made from it), the handover diary (`shiftlog.shifts`), QA (`quality.shifts`), the floor ladder's night hours
(`wfm.ladder.night_start_hour/night_end_hour`) and attendance's `default_shift_start`. A center that edited them
keeps its hours: the first that differs from the preset becomes `shifts.templates`, in this order — the roster's
templates as stored (what agents are rostered on), the roster section's override, the diary's, QA's. The old keys
are removed (the policy would refuse them as unknown). The ladder's night hours cannot be written as shifts (the
night is now known from the shifts on duty) and are dropped; an edited default_shift_start names the template that
starts then, when there is one.
"""

from __future__ import annotations

import copy

from django.db import migrations

from kefu.workcal.policy import PRESETS as CALENDAR


def _minutes(hhmm: str) -> int:
    h, m = str(hhmm).split(":")
    return int(h) * 60 + int(m)


def _from_start_end(shifts: list) -> list[dict]:
    out = []
    for s in shifts:
        length = (_minutes(s["end"]) - _minutes(s["start"])) % 1440 or 1440
        out.append({"code": s["code"], "name": s["name"], "start": s["start"], "hours": round(length / 60, 4)})
    return out


def _same(a: list[dict], b: list[dict]) -> bool:
    key = lambda rows: sorted((r["code"], r["name"], r["start"], float(r["hours"])) for r in rows)  # noqa: E731
    return key(a) == key(b)


def forwards(apps, schema_editor):
    Policy = apps.get_model("org", "Policy")
    ShiftTemplate = apps.get_model("roster", "ShiftTemplate")
    for policy in Policy.objects.all():
        overrides = copy.deepcopy(policy.overrides) if isinstance(policy.overrides, dict) else {}
        preset = CALENDAR.get(policy.preset, CALENDAR["hotline"])
        rows = [
            {
                "code": t.code,
                "name": t.name,
                "start": f"{t.start:%H:%M}",
                "hours": round(t.minutes / 60, 4),
                "color": t.color,
            }
            for t in ShiftTemplate.objects.filter(center_id=policy.center_id, active=True)
        ]
        candidates = [rows]
        for section, convert in (("roster", list), ("shiftlog", _from_start_end), ("quality", _from_start_end)):
            data = overrides.get(section)
            if isinstance(data, dict) and isinstance(data.get("shifts"), list) and data["shifts"]:
                try:
                    candidates.append([{k: v for k, v in s.items() if k != "night"} for s in convert(data["shifts"])])
                except (KeyError, TypeError, ValueError, AttributeError):
                    pass
        calendar = dict(overrides.get("shifts") or {})
        if "templates" not in calendar:
            for templates in candidates:
                if templates and not _same(templates, preset["templates"]):
                    calendar["templates"] = templates
                    break
        codes = {t["code"]: t["start"] for t in calendar.get("templates", preset["templates"])}
        if calendar.get("default") not in codes and preset["default"] not in codes:
            calendar["default"] = next(iter(codes))
        attendance = overrides.get("attendance")
        if isinstance(attendance, dict) and "default_shift_start" in attendance:
            wanted = attendance.pop("default_shift_start")
            starting = [code for code, start in codes.items() if start == wanted]
            if starting:
                calendar["default"] = starting[0]
        for section in ("roster", "shiftlog", "quality"):
            if isinstance(overrides.get(section), dict):
                overrides[section].pop("shifts", None)
        wfm = overrides.get("wfm")
        if isinstance(wfm, dict) and isinstance(wfm.get("ladder"), dict):
            wfm["ladder"].pop("night_start_hour", None)
            wfm["ladder"].pop("night_end_hour", None)
            if not wfm["ladder"]:
                del wfm["ladder"]
        if calendar.get("default") == preset["default"] and "templates" not in calendar:
            del calendar["default"]
        if calendar:
            overrides["shifts"] = calendar
        for section in ("roster", "shiftlog", "quality", "attendance", "wfm"):  # emptied here: gone
            if overrides.get(section) == {} and policy.overrides.get(section) != {}:
                del overrides[section]
        if overrides != policy.overrides:
            policy.overrides = overrides
            policy.save(update_fields=["overrides"])


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0001_initial"),
        ("org", "0002_staff_employment"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
