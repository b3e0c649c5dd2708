import io
import random

import pytest

from kefu.shiftlog import selectors
from kefu.shiftlog.models import Handover, Line


@pytest.mark.django_db
def test_demo_builds_two_weeks_and_is_idempotent():
    from kefu.org import demo as org_demo
    from kefu.shiftlog import demo

    out = io.StringIO()
    center = org_demo.build(None, random.Random(1), out)
    demo.build(center, random.Random(2), out)
    count = Handover.objects.filter(center=center).count()
    assert count >= 26  # two shifts a day (hotline preset) for the ended shifts of the last 14 days
    assert Line.objects.filter(handover__center=center, carried=True).exists()
    assert Handover.objects.filter(center=center, state="countersigned").count() >= count - 2
    assert selectors.late_or_unsigned(center, days=15)
    demo.build(center, random.Random(3), out)
    assert Handover.objects.filter(center=center).count() == count
