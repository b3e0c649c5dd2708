"""Partial words (character n-grams) and the general thesaurus (Cilin): a center without hand-written
synonyms still finds 桥梁 from 桥 and 扶手栏杆 from 护栏 (issue 12, item 6)."""

import pytest

from kefu.knowledge import search, selectors, services, thesaurus
from kefu.knowledge.models import Synonym

G = search.GRAM


def test_articles_are_indexed_by_characters_and_bigrams_apart_from_words():
    terms = search.doc_terms("道路桥梁修复和栏杆维护的分工", "桥梁周围扶手栏杆的维护属于住建局管。", ["桥梁"])
    assert terms["桥梁"] == search.TITLE_WEIGHT + search.TAG_WEIGHT + 1.0  # the word
    assert terms[G + "桥梁"] == search.TITLE_WEIGHT + search.TAG_WEIGHT + 1.0  # the bigram, counted apart
    assert terms[G + "栏"] == search.TITLE_WEIGHT + 1.0
    assert G + "的" not in terms  # stop characters are not indexed alone
    # The length (BM25's normalisation) counts words only: the n-grams repeat them.
    words = sum(v for t, v in terms.items() if not t.startswith(G))
    assert search.doc_length(terms) == round(words)


def test_query_characters_and_bigrams_weigh_less_than_its_words():
    terms = search.query_terms("桥边的护栏坏了找谁", general=None)
    assert terms["护栏"] == search.informativeness("护栏") == 1.0  # a rare word in general Chinese
    assert terms[G + "护栏"] == search.BIGRAM_WEIGHT
    assert terms[G + "栏"] == search.UNIGRAM_WEIGHT  # 栏 is rare in general Chinese: full weight
    assert terms[G + "桥"] == pytest.approx(search.UNIGRAM_WEIGHT * search.informativeness("桥"))
    assert terms[G + "桥"] < search.UNIGRAM_WEIGHT
    assert G + "的" not in terms and G + "边的" not in terms  # a stop word breaks the run
    assert search.UNIGRAM_WEIGHT < search.BIGRAM_WEIGHT < search.THESAURUS_WEIGHT < search.SYNONYM_WEIGHT < 1.0


def _rank(query, docs, **kw):
    terms = [search.doc_terms(title, body) for title, body in docs]
    lengths = [search.doc_length(t) for t in terms]
    postings = [(t, d, tf, lengths[d]) for d, ts in enumerate(terms) for t, tf in ts.items()]
    df: dict[str, int] = {}
    for ts in terms:
        for t in ts:
            df[t] = df.get(t, 0) + 1
    return [
        d for d, _ in search.bm25(search.query_terms(query, **kw), postings, df, len(docs), sum(lengths) / len(docs))
    ]


def test_partial_word_found_and_whole_word_ranks_first():
    docs = [
        ("道路桥梁修复的分工", "道路桥梁主体的修复属于交运局管。"),
        ("桥头堡", "桥头堡的管理属于文广局。"),
        ("停车费纠纷的交办", "停车费纠纷属于发改委管。"),
    ]
    # 桥 alone: jieba's word is 桥, the articles have 桥梁 and 桥头堡; both found through the character.
    assert set(_rank("桥塌了", docs, general=None)[:2]) == {0, 1}
    # The whole word 桥梁 puts the article with 桥梁 ahead of one sharing only a character.
    assert _rank("桥梁归谁修", docs, general=None)[:2] == [0, 1]
    # 护栏 meets 扶手栏杆 through 栏.
    docs.append(("栏杆维护", "桥梁周围扶手栏杆的维护属于住建局管。"))
    assert _rank("护栏坏了", docs, general=None)[0] == 3


def test_thesaurus_gives_cilin_synonyms_of_a_word():
    assert "老鼠" in thesaurus.synonyms("耗子")
    assert "桥梁" in thesaurus.synonyms("桥")
    assert "耗子" not in thesaurus.synonyms("耗子")
    assert thesaurus.synonyms("河东新区") == ()
    # Only synonym groups ("="), not the related-words groups ("#": 鼠 牛 虎 兔 …).
    assert "牛" not in thesaurus.synonyms("狗")


def test_query_expands_words_by_the_thesaurus_below_editor_synonyms():
    terms = search.query_terms("家里耗子很多")
    # A Cilin synonym weighs THESAURUS_WEIGHT, scaled by how informative the word and the synonym are.
    assert terms["老鼠"] == pytest.approx(
        search.THESAURUS_WEIGHT * search.informativeness("耗子") * search.informativeness("老鼠")
    )
    assert 0 < terms["老鼠"] <= search.THESAURUS_WEIGHT
    # A center's own synonym still applies, at its own weight, on top of the thesaurus.
    terms = search.query_terms("家里耗子很多", {"耗子": ["老鼠"]})
    assert terms["老鼠"] == search.SYNONYM_WEIGHT
    # Single characters have too many senses to expand (坏 → 馊主意 …).
    assert "馊主意" not in search.query_terms("灯坏了")
    assert "老鼠" not in search.query_terms("家里耗子很多", general=None)


@pytest.mark.django_db
def test_fresh_center_finds_articles_without_hand_written_synonyms(make_staff):
    editor, lead = make_staff("editor", staff_no="3101"), make_staff("team_lead", staff_no="3102")
    for title, body in [
        ("道路桥梁修复和栏杆维护的分工", "道路桥梁主体的修复属于交运局管；桥梁周围扶手栏杆的维护属于住建局管。"),
        ("小区老鼠蟑螂蚊虫的交办", "市民反映居住的小区老鼠、蟑螂、蚊虫很多，属于卫生局管。"),
        ("停车费纠纷的交办", "停车费纠纷属于发改委管。"),
        ("城市公交站台设置的主管部门", "城市公交站台的设置属于交运局管辖。"),
    ]:
        v = services.create_article(editor, title=title, body=body, tags=[], confirmed_by="市住建局 张科长")
        services.submit_version(editor, v)
        services.approve_version(lead, v)
    assert not Synonym.objects.exists()
    assert selectors.search_articles("桥边的护栏坏了找谁")[0].article.title == "道路桥梁修复和栏杆维护的分工"
    assert selectors.search_articles("家里耗子成群")[0].article.title == "小区老鼠蟑螂蚊虫的交办"


@pytest.mark.django_db
def test_postings_are_read_from_a_covering_index():
    # The n-grams triple the postings; a query reads term, article, tf and doc_len from the index alone.
    from django.db import connection

    from kefu.knowledge.models import Posting

    # One index on the terms: a unique (term, article) index beside it doubled the cost of a rebuild.
    assert [tuple(ix.fields) for ix in Posting._meta.indexes] == [("term", "article", "tf", "doc_len")]
    assert not Posting._meta.constraints
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN QUERY PLAN SELECT term, article_id, tf, doc_len FROM {Posting._meta.db_table} WHERE term IN ('a', 'b')"
            )
            assert "COVERING INDEX" in " ".join(str(row) for row in cursor.fetchall())


@pytest.mark.django_db
def test_postings_load_as_plain_rows(make_staff):
    from kefu.knowledge.models import Posting

    editor, lead = make_staff("editor", staff_no="3201"), make_staff("team_lead", staff_no="3202")
    v = services.create_article(
        editor, title="井盖丢失", body="路面井盖丢失按标识交办住建局。", tags=[], confirmed_by="市住建局 张科长"
    )
    services.submit_version(editor, v)
    services.approve_version(lead, v)
    incremental = sorted(Posting.objects.values_list("term", "article_id", "tf", "doc_len"))
    Posting.objects.all().delete()
    assert Posting.objects.load(incremental, batch=7) == len(incremental)
    assert sorted(Posting.objects.values_list("term", "article_id", "tf", "doc_len")) == incremental
    assert selectors.search_articles("井盖丢了")[0].article.pk == v.article_id


def test_snippet_shows_a_partial_match():
    body = (
        "道路桥梁主体的修复属于交运局管，路面坑洼、桥面破损等问题均按此交办处理；" * 2
        + "桥梁周围扶手栏杆的维护属于住建局管。"
    )
    weights = search.query_terms("护栏歪了", general=None)
    assert "栏杆" in search.snippet(body, weights, width=30)
    # Words first: the word 扶手 found late beats the character 路 of 路口 found early.
    assert "扶手" in search.snippet(body, search.query_terms("路口扶手", general=None), width=30)


def test_words_callers_use_everywhere_weigh_less_than_the_subject():
    # From the general-language idf jieba ships (not a list written for our questions).
    assert search.informativeness("路灯") > 0.99
    assert search.informativeness("自己") == search.INFO_FLOOR  # general idf 3.5
    assert search.informativeness("还是") < 0.1 and search.informativeness("不能") < 0.1
    terms = search.query_terms("自己家门口的路灯坏了好几天了，能不能来修", general=None)
    assert terms["路灯"] > 0.99
    assert terms["不能"] < 0.1 * terms["路灯"] and "自己" in terms
    # A word jieba guessed by gluing a pronoun to a content character (我交) weighs OOV_WEIGHT.
    assert search.informativeness("我交") == search.OOV_WEIGHT < 1.0
    assert search.informativeness("1861") == 1.0  # numbers and Latin are taken as they are


def test_a_spoken_word_in_a_title_does_not_outrank_the_subject():
    docs = [
        ("拨打好几次才能接通的原因", "网络拥塞时需要拨打好几次才能接通，请客户稍后再拨。"),
        ("路灯不亮的交办", "滨江路等城市道路路灯不亮、影响市民出行的来电，交办市住建局。"),
        ("停车费纠纷的交办", "停车费纠纷属于发改委管。"),
    ]
    # 好 and the bigram 好几 are in the first title; weighed as a word like any other (before), they put
    # the first article ahead of the one about 路灯.
    assert _rank("街上路灯坏了好几天了", docs, general=None)[0] == 1


def test_related_words_come_from_the_shipped_word_vectors():
    # data/related_words.tsv.gz, computed from a published general vocabulary (not from our articles).
    near = dict(thesaurus.related("占线"))
    assert near["忙音"] >= search.RELATED_MIN_SIM
    assert list(near.values()) == sorted(near.values(), reverse=True)
    assert thesaurus.related("河东新区管委会") == ()


def test_only_words_no_article_uses_are_replaced_by_related_words():
    related = {"占线": [("忙音", 0.71), ("拨打", 0.64), ("远处", 0.5)], "电话": [("座机", 0.8)]}.get
    terms = search.related_terms("电话老是占线", known={"电话"}, related=lambda w: related(w, ()))
    # 电话 is in the index: left alone. 占线 is not: its near words, weighted by how near, not below the floor.
    assert "座机" not in terms and "远处" not in terms
    assert terms["忙音"] == pytest.approx(
        search.RELATED_WEIGHT * 0.71 * search.informativeness("占线") * search.informativeness("忙音")
    )
    assert terms["忙音"] > terms["拨打"] and terms["忙音"] < search.THESAURUS_WEIGHT


@pytest.mark.django_db
def test_a_caller_word_no_article_uses_finds_the_article_through_a_related_word(make_staff):
    editor, lead = make_staff("editor", staff_no="3301"), make_staff("team_lead", staff_no="3302")
    for title, body in [
        ("拨号听到忙音的原因", "用户拨号时听到忙音，说明对方正在通话或网络拥塞，请稍后再拨。"),
        ("停车费纠纷的交办", "停车费纠纷属于发改委管。"),
    ]:
        v = services.create_article(editor, title=title, body=body, tags=[], confirmed_by="市住建局 张科长")
        services.submit_version(editor, v)
        services.approve_version(lead, v)
    # No article has 占线 (nor 占 or 线): before, nothing was found.
    found = selectors.search_articles("老是占线咋回事")
    assert found and found[0].article.title == "拨号听到忙音的原因"


def test_traditional_characters_and_full_width_letters_are_searched_as_simplified():
    terms = search.query_terms("手機欠費停機了，ＶＩＰ會員", general=None)
    assert {"手机", "欠费", "停机", "vip", "会员"} <= set(terms)
    doc = search.doc_terms("會員折扣", "ＶＩＰ會員享受９．８折", [])
    assert doc["会员"] > 0 and doc["vip"] > 0


def test_the_most_telling_words_pick_candidates_whatever_the_posting_budget(monkeypatch):
    # Postings: doc 99 has only a rare character of the query; doc 7 has its subject, 话费, and 号码.
    postings = {
        "~己": [("~己", 99, 1.0, 10)],
        "话费": [("话费", 7, 3.0, 10)] + [("话费", d, 1.0, 10) for d in range(20, 69)],
        "号码": [("号码", 7, 1.0, 10)] + [("号码", d, 1.0, 10) for d in range(100, 139)],
    }

    def fetch(terms, articles=None):
        return [row for t in terms for row in postings[t] if articles is None or row[1] in articles]

    monkeypatch.setattr(selectors, "_fetch", fetch)
    monkeypatch.setattr(selectors, "POSTING_BUDGET", 1)  # room for the rarest term only
    monkeypatch.setattr(selectors, "POSTING_BUDGET_SHARE", 0)
    df = {t: len(rows) for t, rows in postings.items()}
    weights = {"~己": 0.26, "话费": 1.0, "号码": 0.85}
    rows = selectors.read_postings(df, 1000, weights)
    # Before, only doc 99 (from the rare term) was a candidate and doc 7 was never scored.
    ranked = search.bm25(weights, rows, df, 1000, 10)
    assert ranked[0][0] == 7
    monkeypatch.setattr(selectors, "TELLING_WORDS", 0)
    assert 7 not in {doc for _, doc, _, _ in selectors.read_postings(df, 1000, weights)}


def test_words_are_indexed_by_their_toneless_pinyin_apart_from_the_length():
    assert search.pinyin_key("低保") == search.pinyin_key("抵保") == search.PINYIN + "di_bao"  # dī bǎo / dǐ bǎo
    assert search.pinyin_key("费") == "" and search.pinyin_key("vip") == ""  # one character, or no Chinese
    assert search.pinyin_key("中华人民共和国国务院办公厅") == ""  # longer than the index's term column (40)
    assert len(search.pinyin_key("中华人民共和国")) <= search.MAX_TERM_LEN
    terms = search.doc_terms("低保资金的交办", "低保资金交办给民政局。", ["低保"])
    assert terms[search.PINYIN + "di_bao"] == search.TITLE_WEIGHT + search.TAG_WEIGHT + 1.0
    assert terms[search.PINYIN + "min_zheng_ju"] == 1.0
    words = sum(v for t, v in terms.items() if not t.startswith(G))
    assert search.doc_length(terms) == round(words)


def test_only_bigrams_no_article_has_are_searched_by_their_sound():
    related = search.related_terms("话废扣多了", known={G + "扣多"}, related=lambda w: ())
    # 话废 (no article has it) is searched as hua_fei, which 话费 is indexed by; 扣多 is in the index.
    assert related[search.PINYIN + "hua_fei"] == pytest.approx(search.PINYIN_WEIGHT * search.informativeness("话废"))
    assert search.PINYIN + "kou_duo" not in related and search.PINYIN + "fei_kou" in related
    assert search.PINYIN_WEIGHT <= search.THESAURUS_WEIGHT


@pytest.mark.django_db
def test_a_homophone_typo_finds_the_article_of_the_word_it_sounds_like(make_staff, monkeypatch):
    editor, lead = make_staff("editor", staff_no="3303"), make_staff("team_lead", staff_no="3304")
    for title, body in [
        ("担保贷款的额度", "创业担保贷款最高不超过8万元。"),
        ("低保资金的交办", "低保资金的分配交办给民政局。"),
    ]:
        v = services.create_article(editor, title=title, body=body, tags=[], confirmed_by="市民政局 王科长")
        services.submit_version(editor, v)
        services.approve_version(lead, v)
    # 抵保 (a pinyin input slip for 低保): no article has it; both share only 保 with the question.
    assert selectors.search_articles("抵保找哪个部门")[0].article.title == "低保资金的交办"
    monkeypatch.setattr(search, "PINYIN_WEIGHT", 0.0)  # without the sound: the other article comes first
    assert selectors.search_articles("抵保找哪个部门")[0].article.title == "担保贷款的额度"
