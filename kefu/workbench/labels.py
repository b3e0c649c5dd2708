"""Labels the workbench shows, read from the one catalogue that owns each (nothing copied here).

Order states, kinds, categories, satisfaction and levels are the tickets app's (`tickets.<group>.<value>`), customer
kinds the complainant types of the same catalogue, callback kinds the follow-up app's (`followup.kind.<value>`),
hit categories and field names the workbench's own. Each mapping renders its label when read, in the reader's
language, so the pages and the API keep calling `labels.KIND_NAMES.get(value, value)`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kefu.followup.models import Task
from kefu.messages import render
from kefu.tickets import machine as tickets_machine


class _Labels(Mapping):
    """value -> label, rendered from the catalogue code `<prefix><value>` at the moment it is read."""

    def __init__(self, prefix: str, values):
        self.prefix, self.keys_ = prefix, tuple(values)

    def __getitem__(self, value) -> str:
        if value not in self.keys_:
            raise KeyError(value)
        return render(f"{self.prefix}{value}")

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_)

    def __len__(self) -> int:
        return len(self.keys_)


class _Levels:
    """[(n, label)] of the complaint levels, rendered when iterated."""

    def __iter__(self):
        return iter([(n, render("tickets.level", {"n": n})) for n in (1, 2, 3, 4)])  # 004:L1293-1299


STATE_NAMES = _Labels("tickets.order.state.", tickets_machine.STATES)
KIND_NAMES = _Labels("tickets.kind.", tickets_machine.KINDS)
CATEGORY_NAMES = _Labels("tickets.category.", tickets_machine.CATEGORIES)
SATISFACTION_NAMES = _Labels("tickets.satisfaction.", tickets_machine.SATISFACTION)
CUSTOMER_KIND_NAMES = _Labels("tickets.complainant_type.", tickets_machine.COMPLAINANT_TYPES)
HIT_CATEGORY_NAMES = _Labels("workbench.category.", ("forbidden", "discouraged"))
FIELD_NAMES = _Labels("workbench.field.", ("description", "reply"))
TASK_KIND_NAMES = _Labels("followup.kind.", Task.Kind.values)
LEVELS = _Levels()
# the outcome of a call: telephony's model keeps Chinese choices only, so the words are in the workbench's catalogue
CALL_OUTCOME_NAMES = _Labels(
    "workbench.call_outcome.", ("answered", "abandoned", "blocked", "timeout", "empty", "exit_key", "ivr")
)
