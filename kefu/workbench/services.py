"""Use cases of the workbench: accepting a call (order, answer, phrase check), the words index, saved searches.

The order itself is written by kefu.tickets' public services (create_order, transition); the workbench adds the phrase
check before anything is saved and keeps, for QA, every text saved although the check flagged it.
"""
from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from kefu.errors import Problem, RuleViolation
from kefu.knowledge import services as knowledge
from kefu.messages import Msg
from kefu.workbench import words
from kefu.workbench.models import OrderWords, PhraseOverride, SavedView

CHECKED_FIELDS = ("description", "reply")  # the agent's notes of the call and the reply to the customer
MAX_CHECK_LENGTH = 4000


# ---------------------------------------------------------------- phrase check

def hit_data(hit) -> dict:
    return {"start": hit.start, "end": hit.end, "phrase": hit.phrase, "category": hit.category,
            "suggestion": hit.suggestion, "code": hit.code, "rule_phrase": hit.rule_phrase}


def check(center, text: str) -> list[dict]:
    """The knowledge base's phrase checker (enabled rules, the center's categories) on one text."""
    if len(text or "") > MAX_CHECK_LENGTH:
        raise RuleViolation.of("workbench.check.text_too_long", field="text", max=MAX_CHECK_LENGTH, length=len(text))
    return [hit_data(h) for h in knowledge.check_text(text or "", center)]


def check_fields(center, texts: dict[str, str]) -> dict[str, list[dict]]:
    """Hits per checked field (only fields with hits)."""
    found = {}
    for name in CHECKED_FIELDS:
        hits = check(center, texts.get(name) or "")
        if hits:
            found[name] = hits
    return found


def acknowledgement(found: dict[str, list[dict]]) -> str:
    """What the agent saw: field, rule and words of every hit. Saving anyway must name exactly these."""
    return "|".join(sorted(f"{name}:{h['code']}:{h['phrase']}" for name, hits in found.items() for h in hits))


class PhraseWarning(RuleViolation):
    """The texts hold flagged phrases and the agent has not confirmed saving them as they are."""

    def __init__(self, found: dict[str, list[dict]]):
        self.found = found
        self.token = acknowledgement(found)
        problems = [Problem.of("workbench.phrases.unconfirmed", field=name, count=len(hits),
                               field_label=Msg(f"workbench.field.{name}")) for name, hits in found.items()]
        super().__init__(problems[0].message, problems=problems, status=409)


def record_overrides(scope, order, found: dict[str, list[dict]], texts: dict[str, str], *, channel: str = "page",
                     now=None) -> list[PhraseOverride]:
    now = now or timezone.now()
    return PhraseOverride.objects.bulk_create([
        PhraseOverride(center=scope.center, staff=scope.staff, order=order, at=now, field=name, text=texts.get(name, ""),
                       hits=hits, channel=channel) for name, hits in found.items()])


@transaction.atomic
def accept_call(scope, data: dict, *, reply: str = "", satisfaction: str = "", acknowledged: str | None = None,
                channel: str = "page"):
    """Accept the caller's order (kefu.tickets.services.create_order) and, when the agent answered during the call,
    reply at once (transition "answer", 004:L2011). The description and the reply are checked for forbidden and
    discouraged phrases first: with hits, nothing is saved unless `acknowledged` names exactly the hits found
    (PhraseWarning); saved anyway, the texts and hits are recorded for QA. Bad input changes nothing."""
    from kefu.tickets import machine
    from kefu.tickets import services as tickets

    reply = (reply or "").strip()
    texts = {"description": data.get("description") or "", "reply": reply}
    found = check_fields(scope.center, texts)
    if found and acknowledged != acknowledgement(found):
        raise PhraseWarning(found)
    if reply and satisfaction not in machine.SATISFACTION:
        raise RuleViolation.of("workbench.reply.satisfaction_required", field="satisfaction")
    order = tickets.create_order(scope.center, scope.staff, data)
    if reply:
        if order.kind not in machine.ORDINARY_KINDS:
            raise RuleViolation.of("workbench.reply.not_for_kind", field="reply", kind=order.get_kind_display())
        order = tickets.transition(order, "answer", scope, order.version, reply_opinion=reply,
                                   satisfaction=satisfaction)
    if found:
        record_overrides(scope, order, found, texts, channel=channel)
    return order


# ---------------------------------------------------------------- the words index

_UPSERT = ("INSERT INTO workbench_orderwords (order_id, words) VALUES (%s, %s) "
           "ON CONFLICT (order_id) DO UPDATE SET words = excluded.words")


def index_order(order_id: int, subject: str, description: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [order_id, words.document(subject, description)])


def order_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs) -> None:
    """post_save of tickets.Order: (re)index its words unless the save named fields other than subject/description."""
    if raw:
        return
    if update_fields is not None and not {"subject", "description"} & set(update_fields):
        return
    index_order(instance.pk, instance.subject, instance.description)


def rebuild_index(batch: int = 5000, orders=None) -> int:
    """(Re)index every order (or those of `orders`), in batches: after a bulk import that bypassed save()."""
    from kefu.tickets.models import Order

    qs = (orders if orders is not None else Order.objects.all()).order_by("pk").values_list("pk", "subject", "description")
    done, last = 0, 0
    while True:
        rows = list(qs.filter(pk__gt=last)[:batch])
        if not rows:
            return done
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(_UPSERT, [(pk, words.document(s, d)) for pk, s, d in rows])
        done += len(rows)
        last = rows[-1][0]


def index_rows(rows) -> None:
    """Insert index rows for orders just bulk-created: (order_id, subject, description) each."""
    OrderWords.objects.bulk_create([OrderWords(order_id=pk, words=words.document(s, d)) for pk, s, d in rows],
                                   batch_size=2000)


# ---------------------------------------------------------------- saved searches

MAX_VIEW_NAME = 40
MAX_VIEW_QUERY = 500


@transaction.atomic
def save_view(scope, name: str, query: str) -> SavedView:
    """Save (or replace) the caller's search under a name."""
    name = (name or "").strip()
    if not name:
        raise RuleViolation.of("workbench.view.name_required", field="name")
    if len(name) > MAX_VIEW_NAME:
        raise RuleViolation.of("workbench.view.name_too_long", field="name", max=MAX_VIEW_NAME)
    query = (query or "").lstrip("?")
    if len(query) > MAX_VIEW_QUERY:
        raise RuleViolation.of("workbench.view.query_too_long", field="query", max=MAX_VIEW_QUERY)
    view, _ = SavedView.objects.update_or_create(staff=scope.staff, name=name, defaults={"query": query})
    return view


@transaction.atomic
def delete_view(scope, view_id: int) -> None:
    deleted, _ = SavedView.objects.filter(staff=scope.staff, pk=view_id).delete()
    if not deleted:
        raise RuleViolation.of("workbench.view.not_found", field="view", status=404)
