"""Chinese full-text search, pure part: segmentation, query expansion by synonyms, BM25 ranking.

No Django: the index tables (Posting, TermStat, IndexMeta) are read by selectors.py and passed in as
plain data. Terms are jieba's search-mode words (长词 and their sub-words), so 最低生活保障 is found by
低保 only through a synonym, but by 生活保障 directly.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

USER_DICT = Path(__file__).parent / "data" / "jieba_user.txt"
TITLE_WEIGHT = 3.0
TAG_WEIGHT = 2.0
TITLE_BIGRAM_WEIGHT = 1.0  # title character bigrams catch jieba's mis-cuts (路|灯不亮 still yields 路灯)
SYNONYM_WEIGHT = 0.8
MAX_TERM_LEN = 40

_STOP = frozenset("""的 了 是 在 和 与 及 或 也 都 就 而 及其 把 被 让 给 对 向 从 到 为 以 之 其 这 那 这个 那个 这些 那些 一个 一下 一些
有 有没有 没有 吗 呢 吧 啊 呀 哦 嘛 么 啦 什么 怎么 怎么办 怎样 如何 为什么 哪 哪里 哪个 谁 多少 几 请问 请 您 你 我 我们 你们 他 她 它 他们
想 要 会 能 可以 应该 需要 问 问问 一下子 还 又 再 很 太 非常 比较 就是 但是 因为 所以 如果 可是 然后 现在 今天 刚才 知道 说 告诉 打电话
电话 来电 咨询 反映 反应 请问一下 谢谢 你好 您好 麻烦 帮 帮忙 帮我 一直 老是 总是 好多 很多 特别 家 里 上 下 个 了吗 没 不""".split())

_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    jieba.load_userdict(str(USER_DICT))  # department names and hotline terms jieba's general dictionary cuts wrongly
    return jieba


def tokens(text: str) -> list[str]:
    """Search terms of a text, in order, with repeats (jieba search mode; stop words and punctuation dropped)."""
    out = []
    for tok in _jieba().cut_for_search(text or ""):
        tok = tok.strip().lower()
        if not tok or tok in _STOP or _PUNCT.match(tok) or len(tok) > MAX_TERM_LEN:
            continue
        out.append(tok)
    return out


def doc_terms(title: str, body: str, tags: Iterable[str] = ()) -> dict[str, float]:
    """Weighted term frequencies of an article: title terms count TITLE_WEIGHT, tags TAG_WEIGHT."""
    counts: Counter[str] = Counter()
    title_tokens = tokens(title)
    for tok in title_tokens:
        counts[tok] += TITLE_WEIGHT
    seen = set(title_tokens)
    for gram in bigrams(title):
        if gram not in seen and gram not in _STOP:
            seen.add(gram)
            counts[gram] += TITLE_BIGRAM_WEIGHT
    for tag in tags:
        for tok in tokens(tag):
            counts[tok] += TAG_WEIGHT
    for tok in tokens(body):
        counts[tok] += 1.0
    return dict(counts)


def bigrams(text: str) -> list[str]:
    """Character bigrams inside runs of Chinese characters."""
    out = []
    for run in re.findall(r"[\u4e00-\u9fff]+", text or ""):
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def doc_length(terms: Mapping[str, float]) -> int:
    return max(1, int(round(sum(terms.values()))))


def query_terms(query: str, synonyms: Mapping[str, Iterable[str]] | None = None) -> dict[str, float]:
    """Query term → weight. A synonym key found in the query adds its expansions at SYNONYM_WEIGHT."""
    weights: dict[str, float] = {}
    for tok in tokens(query):
        weights[tok] = 1.0
    if synonyms:
        q = (query or "").lower()
        for key, expansions in synonyms.items():
            if key and key in q:
                for phrase in expansions:
                    for tok in tokens(phrase):
                        weights.setdefault(tok, SYNONYM_WEIGHT)
    return weights


def idf(df: int, n_docs: int) -> float:
    """BM25+ style idf, never negative."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


def bm25(weights: Mapping[str, float], postings: Iterable[tuple[str, int, float, int]], df: Mapping[str, int],
         n_docs: int, avg_len: float, *, k1: float = 1.2, b: float = 0.75) -> list[tuple[int, float]]:
    """Rank documents. postings: (term, doc id, tf, doc length). Returns (doc id, score), best first."""
    scores: dict[int, float] = {}
    avg_len = avg_len or 1.0
    for term, doc, tf, length in postings:
        w = weights.get(term)
        if not w:
            continue
        norm = tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg_len))
        scores[doc] = scores.get(doc, 0.0) + w * idf(df.get(term, 0), n_docs) * norm
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def snippet(body: str, weights: Mapping[str, float], width: int = 80) -> str:
    """A piece of the body around the first query term found."""
    body = body or ""
    best = None
    for term in sorted(weights, key=len, reverse=True):
        i = body.lower().find(term)
        if i >= 0 and (best is None or i < best):
            best = i
    if best is None:
        return body[:width] + ("…" if len(body) > width else "")
    start = max(0, best - width // 4)
    return ("…" if start else "") + body[start:start + width] + ("…" if start + width < len(body) else "")
