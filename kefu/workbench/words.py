"""Words of an order for the search index (pure, no Django).

Chinese has no spaces, so an order's subject and description are indexed as overlapping character pairs (bigrams:
宽带断网 -> 宽带 带断 断网) and Latin letters/digits as lower-case words (5G -> 5g). The stored document keeps every
pair in its place (runs of text parted by SEPARATOR), so a query word of three or more Chinese characters is asked
as a phrase, its pairs one after another, which is exactly "the word occurs in the subject or description" and needs
no second look at the text. A word mixing scripts or holding punctuation (5G宽带, a-b) is asked by its runs and then
checked as a whole in the folded text. The answer is the orders whose subject or description contains every query
word, as a plain LIKE would find them, without reading every row.

Each index row also carries the order's filter keys (meta: center, kind, state, level, department, overdue, the staff
who accepted, were assigned or handle it) and a sort key (acceptance second and order id in one integer, newest
largest), so a words search with filters is answered, counted and paged newest first by the index alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_HAN}]+|[a-z0-9]+")
MAX_WORDS = 8  # words in one query
MAX_WORD_LENGTH = 30
# Between two runs of text in the document: one Chinese character, never a term (terms are pairs or Latin words),
# so a phrase never runs across punctuation, a space or from the subject into the description.
SEPARATOR = "丨"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
EPOCH_SECONDS = 946684800  # EPOCH as a Unix time, for the SQL twins of sort_key below
ID_BITS = 32


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _is_han(run: str) -> bool:
    return "\u3400" <= run[0] <= "\u9fff" or "\uf900" <= run[0] <= "\ufaff"


def _pairs(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokens(text: str) -> list[str]:
    """The index terms of a text, each once, in order of first appearance."""
    out: dict[str, None] = {}
    for run in _RUNS.findall(_fold(text)):
        for t in _pairs(run) if _is_han(run) else [run]:
            out[t] = None
    return list(out)


def folded(subject: str, description: str) -> str:
    """The text a query word is checked against: subject and description folded as the terms are, on two lines (a
    query word has no spaces, so it never spans the two)."""
    return f"{_fold(subject)}\n{_fold(description)}"


def needs_check(word: str) -> bool:
    """Whether a found order must still be checked for the whole word: not when the word is a single index term
    (two Chinese characters, or one Latin/digit word, which the index matches exactly)."""
    return tokens(word) != [word]


def phrase(word: str) -> tuple[str, ...] | None:
    """The terms of a word in order when the index answers it exactly as a phrase (one Chinese run of two or more
    characters, or one Latin/digit word); None when the word must be checked in the text (mixed scripts, punctuation,
    a single Chinese character inside)."""
    runs = _RUNS.findall(word)
    if len(runs) != 1 or runs[0] != word:
        return None
    if _is_han(word):
        return tuple(_pairs(word)) or None
    return (word,)


def document(subject: str, description: str) -> str:
    """What is stored for one order: its terms in their places, runs parted by SEPARATOR, separated by spaces."""
    out: list[str] = []
    for run in _RUNS.findall(folded(subject or "", description or "")):
        if out:
            out.append(SEPARATOR)
        out.extend(_pairs(run) if _is_han(run) else [run])
    return " ".join(out)


def meta(
    center_id, kind: str, state: str, level, department_id, is_overdue, acceptor_id, assigned_to_id, handler_id
) -> str:
    """The filter keys of an order as index terms (each '#' + a letter + the value); kept in step with the order by
    a database trigger (META_SQL below, the same text)."""
    return (
        f"#c{center_id} #k{kind} #s{state} #l{level} #d{department_id or 0} #o{1 if is_overdue else 0} "
        f"#u{acceptor_id or 0} #u{assigned_to_id or 0} #u{handler_id or 0}"
    )


def meta_key(letter: str, value) -> str:
    """One filter key as meta() writes it: meta_key("k", "complaint") == "#kcomplaint"."""
    if letter == "o":
        value = 1 if value else 0
    return f"#{letter}{value if value is not None else 0}"


def sort_key(accepted_at: datetime, order_id: int) -> int:
    """Acceptance time (whole seconds since 2000) and order id in one integer: larger is newer, ties by id."""
    if not 0 < order_id < 2**ID_BITS:
        raise ValueError(f"order id {order_id} out of the sort key's range")
    seconds = max(0, (accepted_at - EPOCH) // timedelta(seconds=1))
    return (seconds << ID_BITS) | order_id


def time_key(moment: datetime) -> int:
    """The smallest sort key of an order accepted at `moment` (a whole second, as the start of a day) or later."""
    return max(0, (moment - EPOCH) // timedelta(seconds=1)) << ID_BITS


def order_id_of(key: int) -> int:
    return key & (2**ID_BITS - 1)


def seconds_of(key: int) -> int:
    return key >> ID_BITS


# The SQL twins of meta() and sort_key(), over the row NEW of tickets_order, for the triggers that keep the index in
# step with every write of an order (a bulk update() or raw SQL included). Tested equal to the Python ones.
META_SQL = {
    "sqlite": (
        "'#c' || NEW.center_id || ' #k' || NEW.kind || ' #s' || NEW.state || ' #l' || NEW.level || ' #d' || "
        "coalesce(NEW.department_id, 0) || ' #o' || (CASE WHEN NEW.is_overdue THEN 1 ELSE 0 END) || ' #u' || "
        "coalesce(NEW.acceptor_id, 0) || ' #u' || coalesce(NEW.assigned_to_id, 0) || ' #u' || "
        "coalesce(NEW.handler_id, 0)"
    ),
    "postgresql": (
        "'#c' || NEW.center_id || ' #k' || NEW.kind || ' #s' || NEW.state || ' #l' || NEW.level || ' #d' || "
        "coalesce(NEW.department_id, 0) || ' #o' || (CASE WHEN NEW.is_overdue THEN 1 ELSE 0 END) || ' #u' || "
        "coalesce(NEW.acceptor_id, 0) || ' #u' || coalesce(NEW.assigned_to_id, 0) || ' #u' || "
        "coalesce(NEW.handler_id, 0)"
    ),
}
SORT_KEY_SQL = {
    "sqlite": f"((max(0, CAST(strftime('%s', NEW.accepted_at) AS INTEGER) - {EPOCH_SECONDS}) << {ID_BITS}) | NEW.id)",
    "postgresql": (
        f"((GREATEST(0, floor(extract(epoch FROM NEW.accepted_at))::bigint - {EPOCH_SECONDS}) << {ID_BITS}) | NEW.id)"
    ),
}
# Columns of tickets_order the index copies (a change of any of them rewrites the row's meta or sort key).
KEY_COLUMNS = (
    "center_id",
    "kind",
    "state",
    "level",
    "department_id",
    "is_overdue",
    "acceptor_id",
    "assigned_to_id",
    "handler_id",
    "accepted_at",
)


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...]  # as typed (folded), each checked as a substring of subject or description
    terms: tuple[str, ...]  # index terms every found order must have
    too_short: tuple[str, ...]  # single Chinese characters: no pair to look up


def parse(query: str) -> Query:
    """Words of a query (split on spaces); a word mixing scripts (5G网络) gives the terms of each run."""
    words, terms, short = [], {}, []
    for word in _fold(query).split()[:MAX_WORDS]:
        word = word[:MAX_WORD_LENGTH]
        runs = _RUNS.findall(word)
        if not runs:
            continue
        words.append(word)
        for run in runs:
            if _is_han(run) and len(run) == 1:
                short.append(run)
            for t in tokens(run):
                terms[t] = None
    return Query(tuple(words), tuple(terms), tuple(short))


def _quoted(terms) -> str:
    return '"' + " ".join(terms) + '"'


def fts5_match(terms: tuple[str, ...]) -> str:
    """An FTS5 MATCH expression asking for every term (terms hold only Han characters or [a-z0-9])."""
    return " AND ".join(f'"{t}"' for t in terms)


def fts5_words(parsed: Query) -> tuple[str, tuple[str, ...]]:
    """The FTS5 expression of a query's words over the column `words` (a phrase per word where the phrase is exact,
    else every term of each run), and the words still to be checked in the text."""
    parts, checks = [], []
    for word in parsed.words:
        exact = phrase(word)
        if exact is not None:
            parts.append(f"words : {_quoted(exact)}")
            continue
        checks.append(word)
        for run in _RUNS.findall(word):
            if not _is_han(run):
                parts.append(f"words : {_quoted([run])}")
            elif len(run) > 1:
                parts.append(f"words : {_quoted(_pairs(run))}")
    return " AND ".join(parts), tuple(checks)


def fts5_meta(all_of: list[str], any_of: list[str] | None = None) -> str:
    """The FTS5 expression of filter keys over the column `meta`: every key of all_of, one of any_of."""
    parts = [f'meta : "{k.lstrip("#")}"' for k in all_of]
    if any_of:
        parts.append("(" + " OR ".join(f'meta : "{k.lstrip("#")}"' for k in any_of) + ")")
    return " AND ".join(parts)
