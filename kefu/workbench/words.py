"""Words of an order for the search index (pure, no Django).

Chinese has no spaces, so an order's subject and description are indexed as overlapping character pairs (bigrams:
宽带断网 -> 宽带 带断 断网) and Latin letters/digits as lower-case words (5G -> 5g). A query word of two or more Chinese
characters asks for all its pairs; the rows found are then checked for the whole word (the pairs of 宽带断网 may sit in
different places), so the index narrows and the check keeps the answer exact: the orders whose subject or description
contains every query word, as a plain LIKE would find them, without reading every row.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_HAN}]+|[a-z0-9]+")
MAX_WORDS = 8  # words in one query
MAX_WORD_LENGTH = 30


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _is_han(run: str) -> bool:
    return "\u3400" <= run[0] <= "\u9fff" or "\uf900" <= run[0] <= "\ufaff"


def tokens(text: str) -> list[str]:
    """The index terms of a text, each once, in order of first appearance."""
    out: dict[str, None] = {}
    for run in _RUNS.findall(_fold(text)):
        if _is_han(run):
            for i in range(len(run) - 1):
                out[run[i:i + 2]] = None
        else:
            out[run] = None
    return list(out)


def folded(subject: str, description: str) -> str:
    """The text a query word is checked against: subject and description folded as the terms are, on two lines (a
    query word has no spaces, so it never spans the two)."""
    return f"{_fold(subject)}\n{_fold(description)}"


def needs_check(word: str) -> bool:
    """Whether a found order must still be checked for the whole word: not when the word is a single index term
    (two Chinese characters, or one Latin/digit word, which the index matches exactly)."""
    return tokens(word) != [word]


def document(subject: str, description: str) -> str:
    """What is stored for one order: its terms separated by spaces."""
    return " ".join(tokens(f"{subject or ''}\n{description or ''}"))


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


def fts5_match(terms: tuple[str, ...]) -> str:
    """An FTS5 MATCH expression asking for every term (terms hold only Han characters or [a-z0-9])."""
    return " AND ".join(f'"{t}"' for t in terms)
