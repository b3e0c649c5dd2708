"""Training rules as policy data (policy_for("training", center))."""
SECTION = "training"

PRESETS = {
    "hotline": {
        "pass_percent": 80,  # assumption: the seeds give no pass mark
        # 采编员 updates the knowledge base, notifies staff and runs training (004:L957); new business must be
        # learned before it is offered.
        "require_product_training": True,
        "trainer_roles": ["team_lead", "supervisor", "editor"],
    },
    "gov12345": {
        "pass_percent": 80,  # assumption; the monthly test of 004:L13 has no pass mark
        "require_product_training": True,
        "trainer_roles": ["team_lead", "supervisor", "editor"],
    },
    "ecommerce": {
        "pass_percent": 80,
        # 新产品上线前，由客服组长负责给客服上课……客服必须在新产品上架前掌握产品属性 (003:L19, 001:L235);
        # the supervisor gives the course in 003:L274.
        "require_product_training": True,
        "trainer_roles": ["team_lead", "supervisor"],
    },
}


def validate(data: dict) -> list[tuple[str, str]]:
    errors = []
    p = data.get("pass_percent")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 100:
        errors.append(("pass_percent", "及格线应在 0 到 100 之间"))
    return errors
