"""BM25 ranking and query expansion (pure), with hand-computed values."""

import math

from kefu.knowledge import search


def test_idf_hand_computed():
    # ln(1 + (N - df + 0.5) / (df + 0.5)): N=2, df=1 → ln(2)
    assert math.isclose(search.idf(1, 2), math.log(2))
    # N=10, df=10 → ln(1 + 0.5/10.5)
    assert math.isclose(search.idf(10, 10), math.log(1 + 0.5 / 10.5))


def test_bm25_hand_computed():
    # One term, weight 1, tf 1, doc length = average: norm = 1*(k1+1)/(1+k1) = 1, score = idf.
    postings = [("路灯", 1, 1.0, 10)]
    ranked = search.bm25({"路灯": 1.0}, postings, {"路灯": 1}, n_docs=2, avg_len=10)
    assert ranked == [(1, math.log(2))]
    # tf 2 in a document twice the average length (default k1=2.0, b=0.75):
    # norm = 2*3 / (2 + 2*(0.25 + 0.75*2)) = 6 / 5.5
    ranked = search.bm25({"路灯": 1.0}, [("路灯", 7, 2.0, 20)], {"路灯": 1}, n_docs=2, avg_len=10)
    assert math.isclose(ranked[0][1], math.log(2) * 6 / 5.5)
    # the same with k1=1.2: norm = 2*2.2 / (2 + 1.2*(0.25 + 0.75*2)) = 4.4 / 4.1
    ranked = search.bm25({"路灯": 1.0}, [("路灯", 7, 2.0, 20)], {"路灯": 1}, n_docs=2, avg_len=10, k1=1.2)
    assert math.isclose(ranked[0][1], math.log(2) * 4.4 / 4.1)


def test_bm25_rarer_term_wins_and_weights_multiply():
    postings = [("井盖", 1, 1.0, 10), ("问题", 2, 1.0, 10)]
    ranked = search.bm25({"井盖": 1.0, "问题": 1.0}, postings, {"井盖": 1, "问题": 9}, n_docs=10, avg_len=10)
    assert [d for d, _ in ranked] == [1, 2]
    half = search.bm25({"井盖": 0.5}, postings[:1], {"井盖": 1}, n_docs=10, avg_len=10)
    full = search.bm25({"井盖": 1.0}, postings[:1], {"井盖": 1}, n_docs=10, avg_len=10)
    assert math.isclose(half[0][1] * 2, full[0][1])


def test_synonyms_expand_caller_wording():
    terms = search.query_terms("低保的钱归谁管", {"低保": ["最低生活保障"], "狗": ["流浪狗"]})
    assert terms["低保"] == 1.0
    assert terms["保障"] == search.SYNONYM_WEIGHT and "流浪" not in terms


def test_title_terms_weigh_more():
    terms = search.doc_terms("路灯不亮的交办", "交办市住建局。", ["路灯"])
    # jieba cuts the title 路|灯不亮; the title bigram 路灯 (1) and the tag 路灯 (2) still index it.
    assert terms["路灯"] == search.TITLE_BIGRAM_WEIGHT + search.TAG_WEIGHT
    assert terms["交办"] == search.TITLE_WEIGHT + 1.0  # once in the title (3), once in the body (1)
    assert terms["住建局"] == 1.0
    assert search.doc_length(terms) == round(sum(v for t, v in terms.items() if not search.is_gram(t)))


def test_stop_words_dropped():
    assert search.tokens("请问我想问一下什么") == []
