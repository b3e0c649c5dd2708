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


def test_document_joins_subject_and_description_without_a_pair_across_them():
    assert words.document("断网", "宽带") == "断网 宽带"  # no 网宽 across the two fields


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
