"""The words of an order for the index (pure): Chinese as character pairs, Latin and digits as words."""

from kefu.workbench import words


def test_chinese_runs_become_overlapping_pairs_each_once():
    assert words.tokens("宽带断网") == ["宽带", "带断", "断网"]
    assert words.tokens("宽带断网，宽带") == ["宽带", "带断", "断网"]  # each term once


def test_a_single_character_between_punctuation_gives_no_pair():
    assert words.tokens("费。") == []
    assert words.tokens("话费") == ["话费"]


def test_latin_and_digits_are_lower_case_words_and_full_width_is_folded():
    assert words.tokens("5G网络 iPhone") == ["5g", "网络", "iphone"]
    assert words.tokens("５Ｇ") == ["5g"]  # full-width typed


def test_document_keeps_every_pair_in_its_place_and_parts_runs():
    # no 网宽 across the two fields, and a phrase cannot run across punctuation or from subject into description
    assert words.document("断网", "宽带") == "断网 丨 宽带"
    assert words.document("宽带断网，宽带", "5G网络") == "宽带 带断 断网 丨 宽带 丨 5g 丨 网络"


def test_a_word_is_asked_as_a_phrase_when_the_index_answers_it_exactly():
    assert words.phrase("宽带断网") == ("宽带", "带断", "断网") and words.phrase("宽带") == ("宽带",)
    assert words.phrase("5g") == ("5g",)
    assert words.phrase("5g宽带") is None and words.phrase("宽带，断网") is None and words.phrase("费") is None
    expression, checks = words.fts5_words(words.parse("宽带断网 5G宽带"))
    assert expression == 'words : "宽带 带断 断网" AND words : "5g" AND words : "宽带"' and checks == ("5g宽带",)


def test_sort_key_orders_by_acceptance_second_then_id():
    from datetime import UTC, datetime, timedelta

    at = datetime(2026, 12, 7, 10, 30, 15, 999999, tzinfo=UTC)
    same_second = words.sort_key(at, 7) < words.sort_key(at.replace(microsecond=0), 8)
    later = words.sort_key(at, 4_000_000_000) < words.sort_key(at + timedelta(seconds=1), 1)
    assert same_second and later and words.order_id_of(words.sort_key(at, 123)) == 123
    assert words.time_key(at.replace(microsecond=0)) <= words.sort_key(at, 1)
    assert words.time_key(at.replace(microsecond=0) + timedelta(seconds=1)) > words.sort_key(at, 2**32 - 1)


def test_filter_keys_of_an_order():
    assert words.meta(3, "complaint", "processing", 2, None, True, 11, None, 12) == (
        "#c3 #kcomplaint #sprocessing #l2 #d0 #o1 #u11 #u0 #u12"
    )
    assert (
        words.fts5_meta(["#c3", "#o1"], ["#d4", "#d5"])
        == 'meta : "c3" AND meta : "o1" AND (meta : "d4" OR meta : "d5")'
    )


def test_query_words_terms_and_single_characters():
    q = words.parse("宽带断网  费 5G网络")
    assert q.words == ("宽带断网", "费", "5g网络")
    assert q.terms == ("宽带", "带断", "断网", "5g", "网络")
    assert q.too_short == ("费",)


def test_query_of_only_one_character_has_no_terms():
    assert words.parse("费").terms == ()
    assert words.parse("  ，。 ").words == ()


def test_query_is_bounded():
    q = words.parse(" ".join(f"词{i}语" for i in range(20)))
    assert len(q.words) == words.MAX_WORDS


def test_fts5_expression_quotes_every_term():
    assert words.fts5_match(("宽带", "5g")) == '"宽带" AND "5g"'
