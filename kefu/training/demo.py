"""Demo training data: the 12345 bank as a quiz and an exam, agents' attempts, two products."""

from __future__ import annotations

from kefu.org.models import Staff
from kefu.training import services
from kefu.training.models import Attempt, Product, Quiz


def _answers(questions, rng, skill: float) -> dict:
    out = {}
    for q in questions:
        if q.kind in ("single", "judge"):
            out[q.number] = q.answer if rng.random() < skill else rng.choice([o["key"] for o in q.options])
        else:
            out[q.number] = [accepted[0] if rng.random() < skill else "不清楚" for accepted in q.answer["blanks"]]
    return out


def build(center, rng, out) -> None:
    bank = services.load_12345_bank(center)
    if Quiz.objects.filter(center=center).exists():
        out.write("  培训：已存在，跳过")
        return
    lead = Staff.objects.filter(center=center, user__username="teamlead1").first()
    quiz = services.create_quiz(center, bank, title="12345话务人员五月份学习检测", actor=lead)
    services.create_quiz(center, bank, title="12345话务人员月度考试", kind="exam", actor=lead)
    questions = list(bank.questions.all())
    agents = list(services.required_staff(center))
    for _i, agent in enumerate(agents):
        if agent.user.username == "agent1":
            continue  # left for the reader to try
        services.submit_attempt(quiz, staff=agent, responses=_answers(questions, rng, 0.55 + 0.4 * rng.random()))
    product = services.create_product(
        center,
        code="broadband-speedup",
        name="宽带提速包",
        attributes="月增费30元，下行速率提升至500M；适用于已开通宽带的客户",
        actor=lead,
    )
    if lead is not None:
        services.record_training(product, agents[: max(1, len(agents) - 3)], trainer=lead, note="班前会集中授课")
    services.create_product(
        center, code="family-plan", name="亲情号码套餐", attributes="最多添加3个亲情号码，互打免费", actor=lead
    )
    out.write(
        f"  培训：{Attempt.objects.filter(quiz__center=center).count()} 份作答，{Product.objects.filter(center=center).count()} 个产品"
    )
