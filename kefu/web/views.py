from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kefu.org.models import Center


@login_required
def home(request):
    staff = getattr(request.user, "staff", None)
    center = staff.center if staff else Center.objects.order_by("id").first()
    return render(request, "web/home.html", {"center": center})
