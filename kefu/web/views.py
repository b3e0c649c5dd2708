from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from kefu.access import allowed
from kefu.org.models import Center
from kefu.web import timers


@login_required
def home(request):
    staff = getattr(request.user, "staff", None)
    center = staff.center if staff else Center.objects.order_by("id").first()
    return render(request, "web/home.html", {"center": center, "timer_failures": timer_failures(request.user, center)})


def timer_failures(user, center) -> list[dict]:
    """The failing timers as administrators and supervisors read them: label, local time of the last failure, count."""
    if not allowed(user, "page.web.timer_failures"):
        return []
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(center.time_zone) if center is not None and center.time_zone else timezone.get_current_timezone()
    return [
        {
            "label": timers.label_of(row.name),
            "failed_at": timezone.localtime(row.failed_at, tz) if row.failed_at else None,
            "failures": row.failures,
        }
        for row in timers.failing()
    ]
