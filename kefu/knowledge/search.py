"""Chinese full-text search, pure part: segmentation, query expansion by synonyms, BM25 ranking.

No Django: the index tables (Posting, TermStat, IndexMeta) are read by selectors.py and passed in as
plain data. Terms are jieba's search-mode words (长词 and their sub-words), so 最低生活保障 is found by
生活保障 directly, and by 低保 only through a synonym.

Partial words: every article is also indexed by its characters and character bigrams (terms marked
with GRAM, apart from the words), and a query adds its own at lower weights, so 桥 meets 桥梁 and
护栏 meets 扶手栏杆 through 栏. A whole-word match scores as a word and as its n-grams, so it stays
ahead of a partial one.

Spoken words: a caller's question is full of words that say little (自己, 起来, 不能, 好几, 还是), and
they are rare in written articles, so the index's own idf alone would rate them as strong clues. Each
query term's weight is scaled by how informative the word is in general Chinese (informativeness(),
from the general-language idf list jieba ships), not by a list written for our questions.

Synonyms: a center's editor synonyms (Synonym rows, caller wording → knowledge wording) and the
general Cilin thesaurus (thesaurus.py), each at a lower weight than the caller's own words. A query
word that no article uses at all is also replaced by its nearest words in general Chinese
(thesaurus.related, from published word vectors), weighted by how near they are.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from kefu.knowledge import thesaurus

USER_DICT = Path(__file__).parent / "data" / "jieba_user.txt"
TITLE_WEIGHT = 3.0
TAG_WEIGHT = 2.0
TITLE_BIGRAM_WEIGHT = 1.0  # title character bigrams catch jieba's mis-cuts (路|灯不亮 still yields 路灯)
SYNONYM_WEIGHT = 0.8  # an editor synonym's expansion
THESAURUS_WEIGHT = 0.5  # a Cilin synonym of a query word
RELATED_WEIGHT = 0.4  # a related word (word vectors) of a query word the index does not know, times the cosine
RELATED_MIN_SIM = 0.6
GRAM = "~"  # marks a character n-gram term (jieba never yields it: punctuation is dropped)
PINYIN = GRAM + "^"  # marks a word's toneless pinyin (~^di_bao): a GRAM term, left out of lengths and telling words
PINYIN_WEIGHT = 0.5  # a query bigram no article has, by its sound (times its bigram informativeness)
BIGRAM_WEIGHT = 0.4  # a character bigram of the query
UNIGRAM_WEIGHT = 0.3  # a character of the query
MAX_TERM_LEN = 40
# How informative a query word is, from jieba's general-language idf (jieba/analyse/idf.txt, computed by
# jieba's authors on a large general corpus): a word callers use everywhere (自己, 起来, 不能, 好, 后)
# is rare in written articles, so the knowledge base's own idf alone rates it as a strong clue.
INFO_LOW = 4.5  # general idf at or below which a word weighs INFO_FLOOR
INFO_HIGH = 9.0  # general idf from which a word weighs fully
INFO_FLOOR = 0.05
OOV_WEIGHT = 0.6  # a word jieba guessed (in neither list): often a content character glued to 我/能/想 (我交, 能贷)

_STOP = frozenset(
    """的 了 是 在 和 与 及 或 也 都 就 而 及其 把 被 让 给 对 向 从 到 为 以 之 其 这 那 这个 那个 这些 那些 一个 一下 一些
有 有没有 没有 吗 呢 吧 啊 呀 哦 嘛 么 啦 什么 怎么 怎么办 怎样 如何 为什么 哪 哪里 哪个 谁 多少 几 请问 请 您 你 我 我们 你们 他 她 它 他们
想 要 会 能 可以 应该 需要 问 问问 一下子 还 又 再 很 太 非常 比较 就是 但是 因为 所以 如果 可是 然后 现在 今天 刚才 知道 说 告诉 打电话
电话 来电 咨询 反映 反应 请问一下 谢谢 你好 您好 麻烦 帮 帮忙 帮我 一直 老是 总是 好多 很多 特别 家 里 上 下 个 了吗 没 不""".split()
)

_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    jieba.load_userdict(str(USER_DICT))  # department names and hotline terms jieba's general dictionary cuts wrongly
    return jieba


@lru_cache(maxsize=1)
def _general_idf() -> dict[str, float]:
    import jieba.analyse

    path = Path(jieba.analyse.__file__).parent / "idf.txt"
    out = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            word, _, value = line.strip().partition(" ")
            if value:
                out[word] = float(value)
    return out


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # loads its dictionaries once

    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """Full-width letters and digits as plain ones (ＶＩＰ → VIP, １８６１ → 1861) and traditional
    characters as simplified (手機欠費 → 手机欠费, OpenCC's t2s), on articles and questions alike."""
    return _t2s().convert(unicodedata.normalize("NFKC", text or ""))


def informativeness(word: str) -> float:
    """INFO_FLOOR..1: how much a query word says about what the caller wants, from its general-language
    idf (a word the general corpus does not know is taken as fully informative)."""
    g = _general_idf().get(word)
    if g is None:
        return OOV_WEIGHT if _CJK.search(word) and word not in _jieba().dt.FREQ else 1.0
    return min(1.0, max(INFO_FLOOR, (g - INFO_LOW) / (INFO_HIGH - INFO_LOW)))


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
    """Weighted term frequencies of an article: title terms count TITLE_WEIGHT, tags TAG_WEIGHT; beside
    its words, their pinyin (pinyin_key) and the character n-grams (char_grams)."""
    title, body, tags = normalize(title), normalize(body), [normalize(tag) for tag in tags]
    counts: Counter[str] = Counter()
    title_tokens = tokens(title)
    words = [(tok, TITLE_WEIGHT) for tok in title_tokens]
    words += [(tok, TAG_WEIGHT) for tag in tags for tok in tokens(tag)]
    words += [(tok, 1.0) for tok in tokens(body)]
    for tok, weight in words:
        counts[tok] += weight
    seen = set(title_tokens)
    for gram in bigrams(title):
        if gram not in seen and gram not in _STOP:
            seen.add(gram)
            counts[gram] += TITLE_BIGRAM_WEIGHT
    for tok, weight in words:  # how each word sounds, for a caller's homophone typo (homophone_terms)
        key = pinyin_key(tok)
        if key:
            counts[key] += weight
    for text, weight in [(title, TITLE_WEIGHT), *((tag, TAG_WEIGHT) for tag in tags), (body, 1.0)]:
        for gram in char_grams(text):
            counts[gram] += weight
    return dict(counts)


def char_grams(text: str) -> list[str]:
    """GRAM-marked characters (stop words left out) and character bigrams of the Chinese runs of a text."""
    out = []
    for run in _CJK_RUN.findall(text or ""):
        out.extend(GRAM + ch for ch in run if ch not in _STOP)
        out.extend(GRAM + run[i : i + 2] for i in range(len(run) - 1))
    return out


@lru_cache(maxsize=200_000)
def pinyin_key(word: str) -> str:
    """PINYIN-marked toneless pinyin of a Chinese word of two or more characters (低保 → ~^di_bao), else ""
    (also when longer than a term may be)."""
    if len(word) < 2 or not _CJK_RUN.fullmatch(word):
        return ""
    from pypinyin import lazy_pinyin

    key = PINYIN + "_".join(lazy_pinyin(word))
    return key if len(key) <= MAX_TERM_LEN else ""  # the index's term column; search mode also yields the sub-words


def homophone_terms(query: str, known: Iterable[str]) -> dict[str, float]:
    """PINYIN terms for the query's character bigrams that no article has (抵保, 话废): an article word
    that sounds the same (低保, 话费) is what a caller typing pinyin meant."""
    known = set(known)
    out: dict[str, float] = {}
    for gram, weight in query_grams(normalize(query)).items():
        bigram = gram[len(GRAM) :]
        if len(bigram) != 2 or gram in known:
            continue
        key = pinyin_key(bigram)
        if key and key not in out:
            out[key] = PINYIN_WEIGHT * weight / BIGRAM_WEIGHT
    return out


def is_gram(term: str) -> bool:
    return term.startswith(GRAM)


def bigrams(text: str) -> list[str]:
    """Character bigrams inside runs of Chinese characters."""
    out = []
    for run in _CJK_RUN.findall(text or ""):
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def doc_length(terms: Mapping[str, float]) -> int:
    """Length in (weighted) words; the n-grams repeat the words and are left out."""
    return max(1, int(round(sum(v for t, v in terms.items() if not is_gram(t)))))


def query_grams(query: str) -> dict[str, float]:
    """GRAM terms of a query: bigrams of its runs of content words (stop words break a run) and its
    content characters."""
    out: dict[str, float] = {}
    runs, run = [], ""
    for tok in _jieba().cut(query or ""):
        tok = tok.strip().lower()
        if _CJK_RUN.fullmatch(tok) and tok not in _STOP:
            run += tok
        else:
            runs.append(run)
            run = ""
    runs.append(run)
    for run in runs:
        for i in range(len(run) - 1):
            out.setdefault(GRAM + run[i : i + 2], BIGRAM_WEIGHT * informativeness(run[i : i + 2]))
        for ch in run:
            if ch not in _STOP:
                out.setdefault(GRAM + ch, UNIGRAM_WEIGHT * informativeness(ch))
    return out


def query_terms(
    query: str,
    synonyms: Mapping[str, Iterable[str]] | None = None,
    general: Callable[[str], Iterable[str]] | None = thesaurus.synonyms,
) -> dict[str, float]:
    """Query term → weight: the query's words (1.0), the expansions of an editor synonym whose key is in
    the query (SYNONYM_WEIGHT), the general synonyms of its words (THESAURUS_WEIGHT), its n-grams."""
    query = normalize(query)
    weights: dict[str, float] = {}
    words = tokens(query)
    for tok in words:
        weights[tok] = informativeness(tok)
    if synonyms:
        q = (query or "").lower()
        for key, expansions in synonyms.items():
            if key and key in q:
                for phrase in expansions:
                    for tok in tokens(phrase):
                        weights.setdefault(tok, SYNONYM_WEIGHT)
    if general is not None:
        for word in words:
            if len(word) < 2:  # a single character has too many senses (坏, 条, 好)
                continue
            for syn in general(word):
                if syn not in _STOP:
                    weights.setdefault(syn.lower(), THESAURUS_WEIGHT * informativeness(word) * informativeness(syn))
    weights.update(query_grams(query))
    return weights


def related_terms(
    query: str, known: Iterable[str], related: Callable[[str], Iterable[tuple[str, float]]] = thesaurus.related
) -> dict[str, float]:
    """Terms for the query's words that no article uses (not in known, the index's terms): their
    nearest words in general Chinese (thesaurus.related), weighted RELATED_WEIGHT times the cosine.
    A caller's word the articles never use (占线, 钟头, 签收) is the vocabulary gap; a word the
    articles do use is left as it is, so the expansion cannot crowd out a word that already matches.
    Also the homophones of the query's bigrams that no article has (homophone_terms)."""
    known = set(known)
    out: dict[str, float] = {}
    for word in dict.fromkeys(tokens(normalize(query))):
        if word in known:
            continue
        for near, sim in related(word):
            near = near.lower()
            if sim >= RELATED_MIN_SIM and near not in _STOP and near not in out:
                out[near] = RELATED_WEIGHT * sim * informativeness(word) * informativeness(near)
    for key, weight in homophone_terms(query, known).items():
        out.setdefault(key, weight)
    return out


def idf(df: int, n_docs: int) -> float:
    """BM25+ style idf, never negative."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


def bm25(
    weights: Mapping[str, float],
    postings: Iterable[tuple[str, int, float, int]],
    df: Mapping[str, int],
    n_docs: int,
    avg_len: float,
    *,
    k1: float = 2.0,
    b: float = 0.75,
) -> list[tuple[int, float]]:
    """Rank documents. postings: (term, doc id, tf, doc length). Returns (doc id, score), best first.
    k1 = 2.0 rather than the usual 1.2: a title word counts TITLE_WEIGHT (3) at once, and should not
    saturate before the body's words have counted."""
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
    """A piece of the body around the first query word found, else the first bigram, else the first character."""
    body = body or ""
    lowered = body.lower()
    grams = [t[len(GRAM) :] for t in weights if is_gram(t) and not t.startswith(PINYIN)]
    best = None
    for group in (
        [t for t in weights if not is_gram(t)],
        [g for g in grams if len(g) > 1],
        [g for g in grams if len(g) == 1],
    ):
        found = [i for i in (lowered.find(t) for t in group) if i >= 0]
        if found:
            best = min(found)
            break
    if best is None:
        return body[:width] + ("…" if len(body) > width else "")
    start = max(0, best - width // 4)
    return ("…" if start else "") + body[start : start + width] + ("…" if start + width < len(body) else "")
