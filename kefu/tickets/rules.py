"""Pure rules of work orders (no Django import): compensation tier, overdue, reminder and escalation timing."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

SALES_MANAGER, DEPUTY_GM, GM = "sales_manager", "deputy_gm", "gm"


def approver_for(amount: Decimal, deputy_from: float, gm_above: float) -> str:
    """< deputy_from: sales manager; deputy_from..gm_above inclusive: deputy GM; > gm_above: GM (002:L150-158).

    The seed leaves 1000 and 5000 themselves open; both fall in the middle tier ("1000-5000").
    """
    if amount < Decimal(str(deputy_from)):
        return SALES_MANAGER
    if amount <= Decimal(str(gm_above)):
        return DEPUTY_GM
    return GM


def past_due(
    clock_running: bool, due: datetime | None, handling_deadline: datetime | None, processing: bool, now: datetime
) -> bool:
    """Overdue when the level deadline has passed, or, at a department, its own handling deadline (004:L2097)."""
    if not clock_running:
        return False
    if due is not None and now > due:
        return True
    return bool(processing and handling_deadline is not None and now > handling_deadline)


def reminder_due(deadline: datetime | None, before: timedelta, now: datetime) -> bool:
    """Remind the handling department within `before` of its deadline, not after it (004:L2159)."""
    return deadline is not None and deadline - before <= now < deadline


def escalation_step(
    overdue: bool, first_at: datetime | None, second_sent: bool, interval: timedelta, now: datetime
) -> int:
    """0 = nothing, 1 = report to the department leader, 2 = to the executive in charge (004:L2181)."""
    if not overdue:
        return 0
    if first_at is None:
        return 1
    if not second_sent and now - first_at >= interval:
        return 2
    return 0
