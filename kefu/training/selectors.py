"""Training reads: scores per agent, the state of a product's training."""

from __future__ import annotations

from kefu.org.models import Staff
from kefu.training.models import Attempt, Product, Quiz
from kefu.training.services import required_staff, untrained


def results(quiz: Quiz) -> list[dict]:
    """Per person: attempts, best and latest score (%), passed; front-line agents without an attempt listed too."""
    rows: dict[int, dict] = {}
    for a in Attempt.objects.filter(quiz=quiz).select_related("staff").order_by("submitted_at", "id"):
        row = rows.setdefault(
            a.staff_id, {"staff_no": a.staff.staff_no, "attempts": 0, "best": None, "latest": None, "passed": False}
        )
        row["attempts"] += 1
        row["latest"] = float(a.percent)
        row["best"] = max(row["best"] or 0.0, float(a.percent))
        row["passed"] = row["passed"] or a.passed
    for s in required_staff(quiz.center):
        rows.setdefault(s.pk, {"staff_no": s.staff_no, "attempts": 0, "best": None, "latest": None, "passed": False})
    return sorted(rows.values(), key=lambda r: r["staff_no"])


def product_status(product: Product) -> dict:
    required = list(required_staff(product.center))
    missing = untrained(product)
    return {
        "required": len(required),
        "trained": len(required) - len(missing),
        "missing": [s.staff_no for s in missing],
    }


def my_attempts(staff: Staff):
    return Attempt.objects.filter(staff=staff).select_related("quiz")
