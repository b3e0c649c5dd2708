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
from kefu.org.policy import policy_for
from kefu.workbench import words
from kefu.workbench.models import OrderWords, PhraseOverride, SavedView
from kefu.workbench.policy import SECTION

CHECKED_FIELDS = ("description", "reply")  # the agent's notes of the call and the reply to the customer
MAX_CHECK_LENGTH = 4000


# ---------------------------------------------------------------- phrase check


def hit_data(hit) -> dict:
    return {
        "start": hit.start,
        "end": hit.end,
        "phrase": hit.phrase,
        "category": hit.category,
        "suggestion": hit.suggestion,
        "code": hit.code,
        "rule_phrase": hit.rule_phrase,
    }


def check(center, text: str, staff=None) -> list[dict]:
    """The knowledge base's phrase checker (enabled rules, the center's categories) on one text; with the writer,
    their group's own phrases to avoid as well (004:L913)."""
    if len(text or "") > MAX_CHECK_LENGTH:
        raise RuleViolation.of("workbench.check.text_too_long", field="text", max=MAX_CHECK_LENGTH, length=len(text))
    return [hit_data(h) for h in knowledge.check_text(text or "", center, staff=staff)]


def check_fields(center, texts: dict[str, str], staff=None) -> dict[str, list[dict]]:
    """Hits per checked field (only fields with hits)."""
    found = {}
    for name in CHECKED_FIELDS:
        hits = check(center, texts.get(name) or "", staff)
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
        problems = [
            Problem.of(
                "workbench.phrases.unconfirmed", field=name, count=len(hits), field_label=Msg(f"workbench.field.{name}")
            )
            for name, hits in found.items()
        ]
        super().__init__(problems[0].message, problems=problems, status=409)


def record_overrides(
    scope, order, found: dict[str, list[dict]], texts: dict[str, str], *, channel: str = "page", now=None
) -> list[PhraseOverride]:
    now = now or timezone.now()
    return PhraseOverride.objects.bulk_create(
        [
            PhraseOverride(
                center=scope.center,
                staff=scope.staff,
                order=order,
                at=now,
                field=name,
                text=texts.get(name, ""),
                hits=hits,
                channel=channel,
            )
            for name, hits in found.items()
        ]
    )


@transaction.atomic
def accept_call(
    scope,
    data: dict,
    *,
    reply: str = "",
    satisfaction: str = "",
    acknowledged: str | None = None,
    channel: str = "page",
):
    """Accept the caller's order (kefu.tickets.services.create_order) and, when the agent answered during the call,
    reply at once (transition "answer", 004:L2011). The description and the reply are checked for forbidden and
    discouraged phrases first: with hits, nothing is saved unless `acknowledged` names exactly the hits found
    (PhraseWarning); saved anyway, the texts and hits are recorded for QA. Bad input changes nothing."""
    from kefu.tickets import machine
    from kefu.tickets import services as tickets

    reply = (reply or "").strip()
    texts = {"description": data.get("description") or "", "reply": reply}
    found = check_fields(scope.center, texts, scope.staff)
    if found and acknowledged != acknowledgement(found):
        raise PhraseWarning(found)
    if reply and satisfaction not in machine.SATISFACTION:
        raise RuleViolation.of("workbench.reply.satisfaction_required", field="satisfaction")
    order = tickets.create_order(scope.center, scope.staff, data)
    if reply:
        if order.kind not in machine.ORDINARY_KINDS:
            raise RuleViolation.of("workbench.reply.not_for_kind", field="reply", kind=order.get_kind_display())
        order = tickets.transition(
            order, "answer", scope, order.version, reply_opinion=reply, satisfaction=satisfaction
        )
    if found:
        record_overrides(scope, order, found, texts, channel=channel)
    return order


# ---------------------------------------------------------------- the words index

_UPSERT = (
    "INSERT INTO workbench_orderwords (order_id, words, center_id, sort_key, meta, text) "
    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (order_id) DO UPDATE SET words = excluded.words, "
    "center_id = excluded.center_id, sort_key = excluded.sort_key, meta = excluded.meta, text = excluded.text"
)
# What the index copies of an order besides its text (the trigger on tickets_order copies the same on every update).
_INDEXED = (
    "pk",
    "center_id",
    "accepted_at",
    "subject",
    "description",
    "kind",
    "state",
    "level",
    "department_id",
    "is_overdue",
    "acceptor_id",
    "assigned_to_id",
    "handler_id",
)


def _index_row(order_id, center_id, accepted_at, subject, description, *keys) -> list:
    return [
        order_id,
        words.document(subject, description),
        center_id,
        words.sort_key(accepted_at, order_id),
        words.meta(center_id, *keys),
        words.folded(subject, description),
    ]


def _row_of(order) -> list:
    return _index_row(*(getattr(order, "id" if name == "pk" else name) for name in _INDEXED))


def index_order(order) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, _row_of(order))


def order_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs) -> None:
    """post_save of tickets.Order: (re)index its text when it may have changed. A save naming only other fields is
    left to the trigger on tickets_order, which copies the filter keys and sort key on every update."""
    if raw:
        return
    if update_fields is not None and not {"subject", "description"} & set(update_fields):
        return
    index_order(instance)


def rebuild_index(batch: int = 5000, orders=None) -> int:
    """(Re)index every order (or those of `orders`), in batches: after a bulk import or an update() of the subject
    or description that bypassed save()."""
    from kefu.tickets.models import Order

    qs = (orders if orders is not None else Order.objects.all()).order_by("pk").values_list(*_INDEXED)
    done, last = 0, 0
    while True:
        rows = list(qs.filter(pk__gt=last)[:batch])
        if not rows:
            return done
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(_UPSERT, [_index_row(*row) for row in rows])
        done += len(rows)
        last = rows[-1][0]


def index_rows(orders) -> None:
    """Insert index rows for orders just bulk-created."""
    OrderWords.objects.bulk_create(
        [
            OrderWords(order_id=row[0], words=row[1], center_id=row[2], sort_key=row[3], meta=row[4], text=row[5])
            for row in map(_row_of, orders)
        ],
        batch_size=2000,
    )


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


# ---------------------------------------------------------------- working together: comments, attachments


def scoped_order(scope, order_id):
    """The caller's order (center; department for department handlers): another's is 404."""
    from kefu.tickets.models import Order

    return scope.get(
        Order.objects.select_related("customer"), str(Msg("workbench.what.order")), department="department", pk=order_id
    )


def _staff_directory(center) -> tuple[dict[str, int], dict[str, list[int]]]:
    from kefu.org.models import Staff

    numbers: dict[str, int] = {}
    names: dict[str, list[int]] = {}
    for pk, number, name in Staff.objects.filter(center=center, is_active=True).values_list("pk", "staff_no", "name"):
        numbers[number] = pk
        names.setdefault(name, []).append(pk)
    return numbers, names


@transaction.atomic
def add_comment(scope, order_id, text: str, *, now=None):
    """An internal comment on the order; the staff it @mentions (by number or name) are notified in the app."""
    from kefu.notify.services import notify
    from kefu.org.models import Staff
    from kefu.web.people import staff_label
    from kefu.workbench import mentions
    from kefu.workbench.models import Comment

    order = scoped_order(scope, order_id)
    text = (text or "").strip() if isinstance(text, str) else ""
    limit = policy_for(SECTION, scope.center)["comment_max_length"]
    if not text:
        raise RuleViolation.of("workbench.comment.required", field="text")
    if len(text) > limit:
        raise RuleViolation.of("workbench.comment.too_long", field="text", max=limit, length=len(text))
    found = mentions.find(text, *_staff_directory(scope.center))
    if found.ambiguous:
        raise RuleViolation.of("workbench.comment.ambiguous", field="text", name=found.ambiguous[0])
    comment = Comment.objects.create(
        center=scope.center, order=order, author=scope.staff, at=now or timezone.now(), text=text
    )
    mentioned = list(Staff.objects.filter(center=scope.center, pk__in=found.staff_ids))
    comment.mentioned.set(mentioned)
    from django.urls import reverse

    notify(
        [s for s in mentioned if s.pk != scope.staff.pk],
        "workbench.notify.mentioned",
        key=f"workbench.comment.{comment.pk}.mention",
        params={"author": staff_label(scope.staff), "number": order.number, "excerpt": text[:60]},
        link=reverse("tickets:detail", args=[order.pk]) + "#together",
    )
    return comment


def allowed_types(pol) -> list[str]:
    return [t.lower() for t in pol["attachment_types"]]


def type_names(types: list[str]) -> str:
    import mimetypes

    names = []
    for t in types:
        ext = mimetypes.guess_extension(t) or t.split("/")[-1]
        name = ext.lstrip(".").upper()
        if name not in names:
            names.append(name)
    from kefu.web.people import list_separator

    return list_separator().join(names)


def file_type(name: str, declared: str) -> str:
    """The type an uploaded file is kept and served as: from its name (what the browser will play it as), else the
    type the browser declared."""
    import mimetypes

    guessed = mimetypes.guess_type(name or "")[0]
    return (guessed or declared or "application/octet-stream").lower()


def _attachment_room(scope, order, pol) -> None:
    from kefu.workbench.models import Attachment

    limit = pol["attachments_per_order"]
    if Attachment.objects.filter(order=order).count() >= limit:
        raise RuleViolation.of("workbench.attachment.too_many", field="file", max=limit)


def _note(note: str) -> str:
    note = (note or "").strip() if isinstance(note, str) else ""
    if len(note) > 200:
        raise RuleViolation.of("workbench.attachment.note_too_long", field="note", max=200)
    return note


@transaction.atomic
def attach_file(
    scope, order_id, name: str, declared_type: str, data: bytes, *, size: int | None = None, note: str = "", now=None
):
    """A file uploaded to the order (a recording, a letter or fax scan), within the center's size and type limits;
    kept encrypted (the same keys as customers' fields). `size`: the upload's size when it was too large to read."""
    from kefu.audit.crypto import cipher
    from kefu.workbench.models import Attachment

    order = scoped_order(scope, order_id)
    pol = policy_for(SECTION, scope.center)
    name = (name or "").replace("\\", "/").split("/")[-1].strip()[:200] or "file"
    note = _note(note)
    size = len(data or b"") if size is None else size
    if not size:
        raise RuleViolation.of("workbench.attachment.empty", field="file")
    max_bytes = pol["attachment_max_mb"] * 1024 * 1024
    if size > max_bytes or len(data) > max_bytes:
        raise RuleViolation.of(
            "workbench.attachment.too_large",
            field="file",
            name=name,
            size=f"{max(size, len(data)) / 1024 / 1024:.1f}",
            max=pol["attachment_max_mb"],
        )
    kind = file_type(name, declared_type)
    allowed = allowed_types(pol)
    if kind not in allowed:
        raise RuleViolation.of("workbench.attachment.type", field="file", name=name, allowed=type_names(allowed))
    _attachment_room(scope, order, pol)
    return Attachment.objects.create(
        center=scope.center,
        order=order,
        kind=Attachment.Kind.FILE,
        added_by=scope.staff,
        at=now or timezone.now(),
        name=name,
        content_type=kind,
        size=len(data),
        content=cipher().encrypt(bytes(data)),
        note=note,
    )


@transaction.atomic
def link_recording(scope, order_id, url: str, *, note: str = "", now=None):
    """A call recording on the center's recording server, linked (not copied): only from the hosts the center lists."""
    from urllib.parse import urlsplit

    from kefu.workbench.models import Attachment

    order = scoped_order(scope, order_id)
    pol = policy_for(SECTION, scope.center)
    url = (url or "").strip() if isinstance(url, str) else ""
    note = _note(note)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise RuleViolation.of("workbench.attachment.url_invalid", field="url", value=url[:80])
    hosts = [h.lower() for h in pol["recording_hosts"]]
    if not hosts:
        raise RuleViolation.of("workbench.attachment.no_hosts", field="url")
    if parts.hostname.lower() not in hosts:
        raise RuleViolation.of("workbench.attachment.host", field="url", host=parts.hostname)
    _attachment_room(scope, order, pol)
    name = (parts.path.rsplit("/", 1)[-1] or parts.hostname)[:200]
    return Attachment.objects.create(
        center=scope.center,
        order=order,
        kind=Attachment.Kind.LINK,
        added_by=scope.staff,
        at=now or timezone.now(),
        name=name,
        content_type=file_type(name, "audio/mpeg"),
        url=url,
        note=note,
    )


def attachment_content(attachment) -> bytes:
    """The clear bytes of an uploaded attachment (the caller records the read)."""
    from kefu.audit.crypto import cipher

    return cipher().decrypt(bytes(attachment.content)) if attachment.content else b""
