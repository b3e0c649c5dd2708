"""What staff read on the follow-up pages carries no seed-line references, and rules come from the policy."""

from __future__ import annotations

import re
from datetime import timedelta

from kefu.followup import services
from kefu.followup.models import Task

SEED_LINE = re.compile(r"\d{3}:L\d+")


def test_pages_show_no_seed_lines_and_the_policys_visit_hours(replied_complaint, people, client_for):
    services.scan(replied_complaint.replied_at + timedelta(minutes=5))
    task = Task.objects.get(kind="return_visit")
    client = client_for(people["lead"])
    pages = {
        url: client.get(url).content.decode()
        for url in (
            "/followup/?all=1",
            f"/followup/t/{task.pk}/",
            "/followup/figures/",
            f"/followup/orders/{replied_complaint.pk}/chase/",
            "/followup/optouts/",
            "/followup/campaigns/",
        )
    }
    assert {url: SEED_LINE.findall(page) for url, page in pages.items() if SEED_LINE.search(page)} == {}
    assert "投诉处理结果须在 72 小时内回访" in pages["/followup/?all=1"]
    from kefu.org.models import Policy

    Policy.objects.filter(center=task.center).update(overrides={"followup": {"return_visit_hours": 48}})
    assert "投诉处理结果须在 48 小时内回访" in client.get("/followup/").content.decode()
