"""Training rules as policy data (policy_for("training", center))."""

from pydantic import Field

from kefu.org.policy_types import Bool, List, Num, PolicyModel, RoleCode

SECTION = "training"


class TrainingPolicy(PolicyModel):
    """培训：及格线、新业务先培训、谁可以组织培训。"""

    pass_percent: Num(ge=0, le=100) = Field(description="测验及格线（百分制）")  # not from the seeds
    require_product_training: Bool() = Field(description="新业务须先培训，才可向客户推荐")  # 004:L957, 003:L19
    trainer_roles: List(RoleCode(), min_length=1) = Field(description="可以组织培训的角色")  # 004:L957, 003:L274


MODEL = TrainingPolicy

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
