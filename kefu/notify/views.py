"""The notification centre page: my notifications (unread first in count, newest first), mark all read, my
preferences and quiet hours."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.access import require
from kefu.errors import RuleViolation
from kefu.notify import selectors, services
from kefu.notify.models import Preference
from kefu.scope import caller


@require("page.notify.centre")
def centre(request):
    scope = caller(request)
    return render(
        request,
        "notify/centre.html",
        {
            "items": selectors.mine(scope),
            "unread": selectors.unread_count(scope.staff),
            "pref": Preference.objects.filter(staff=scope.staff).first(),
            "errors": {},
        },
    )


@require("page.notify.centre")
@require_POST
def read_all(request):
    changed = services.mark_all_read(caller(request))
    messages.success(request, _("已将 %(n)s 条通知标为已读") % {"n": changed})
    return redirect("notify:centre")


@require("page.notify.centre")
@require_POST
def read_one(request, pk: int):
    scope = caller(request)
    services.mark_read(scope, ids=[pk])
    link = next((n["link"] for n in selectors.mine(scope) if n["id"] == pk), "")
    return redirect(link if link.startswith("/") and not link.startswith("//") else "notify:centre")


@require("page.notify.centre")
@require_POST
def preference(request):
    scope = caller(request)
    data = {k: request.POST.get(k, "") for k in ("email", "mobile", "quiet_start", "quiet_end")}
    data.update({flag: request.POST.get(flag) == "on" for _via, flag in services.VIA_FLAGS})
    try:
        services.save_preference(scope, data)
    except RuleViolation as exc:
        for p in exc.problems:
            messages.error(request, p.message)
        return render(
            request,
            "notify/centre.html",
            {
                "items": selectors.mine(scope),
                "unread": selectors.unread_count(scope.staff),
                "pref": data,
                "errors": {p.field: str(p.message) for p in exc.problems},
            },
            status=400,
        )
    messages.success(request, _("通知偏好已保存"))
    return redirect("notify:centre")
