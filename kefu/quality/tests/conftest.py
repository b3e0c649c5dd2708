import pytest


@pytest.fixture
def qa_setup(center, make_staff):
    """A team with its lead, two agents, two inspectors, and the preset form published."""
    from kefu.org.models import Team
    from kefu.quality import services

    team = Team.objects.create(center=center, code="t1", name="一班")
    lead = make_staff("team_lead", staff_no="9001", team=team)
    team.lead = lead
    team.save()
    agents = [make_staff("agent", staff_no=no, team=team) for no in ("2001", "2002")]
    qa = [make_staff("qa", staff_no=no) for no in ("8001", "8002")]
    card = services.active_scorecard(center)
    return {"center": center, "team": team, "lead": lead, "agents": agents, "qa": qa, "card": card}


def full_marks(card, **override):
    marks = {i.key: {"awarded": i.points, "failed": False} for i in card.items.all()}
    for key, value in override.items():
        marks[key] = value if isinstance(value, dict) else {"awarded": value}
    return marks
