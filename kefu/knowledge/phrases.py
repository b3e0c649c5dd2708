"""Phrase checker: finds discouraged (习惯用语) and forbidden (服务忌语) expressions in a text.

Pure module (no Django). It judges expressions, not bare characters:
- every rule is a regular expression for the expression (我不管 followed by 多晚 is not 这事我不管);
- a rule may name an allowed context in the same sentence (`unless`), e.g. 公司规定 when the
  customer insists on the agent's name (004:L1229) is allowed, 这是公司的政策 otherwise is not (004:L1849);
- `word` rules must start and end on jieba word boundaries (喂 but not 喂养);
- the customer's words are not the agent's: transcript lines spoken by the customer (客户：…), quoted
  customer speech (客户说“…”), reported speech in notes (客户反映…) and mentions of the phrase list
  itself (切忌说“…”) are skipped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kefu.knowledge.phrase_data import CATEGORY_LABELS, DEFAULT_RULES


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    phrase: str  # the text found
    category: str  # forbidden | discouraged
    suggestion: str
    seed_line: str
    code: str = ""
    rule_phrase: str = ""  # the rule's seed wording

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)


@dataclass(frozen=True)
class Rule:
    code: str
    category: str
    phrase: str
    pattern: str
    suggestion: str
    seed_line: str
    unless: str = ""
    word: bool = False
    compiled: re.Pattern = field(init=False, repr=False, compare=False)
    compiled_unless: re.Pattern | None = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "compiled", re.compile(self.pattern))
        object.__setattr__(self, "compiled_unless", re.compile(self.unless) if self.unless else None)


def rule_from(data: dict) -> Rule:
    return Rule(code=data["code"], category=data["category"], phrase=data["phrase"], pattern=data["pattern"],
                suggestion=data.get("suggestion", ""), seed_line=data.get("seed_line", ""),
                unless=data.get("unless", "") or "", word=bool(data.get("word", False)))


def pattern_error(pattern: str) -> str | None:
    """None when the pattern compiles, else the reason (for the editor's form)."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return str(exc)
    if compiled.match(""):
        return "模式不能匹配空字符串"
    return None


@lru_cache(maxsize=1)
def default_rules() -> tuple[Rule, ...]:
    return tuple(rule_from(d) for d in DEFAULT_RULES)


_SENTENCE_END = re.compile(r"[。！!？?；;\n]")
_CUSTOMER = r"(?:客户|来电人|来电者|用户|顾客|市民|对方|患者|买家|群众|他|她)"
_SPEAKER_LINE = re.compile(rf"^\s*(?:{_CUSTOMER}|客人|访客)\s*[:：]")
_AGENT_LINE = re.compile(r"^\s*(?:坐席|座席|客服|话务员|客户代表|我)\s*[:：]")
_REPORTED = re.compile(rf"{_CUSTOMER}[^。！？!?\n“”\"]{{0,8}}?(?:反映|反应|称|投诉|表示|说|问|认为|质问|骂|抱怨|声称|讲)"
                       r"|(?:话务员|坐席|座席|工号\s*\d+)(?:曾|当时)?(?:对客户)?(?:说|讲|称)")
_MENTION = re.compile(r"(?:忌语|忌说|切忌|不要说|不能说|不得说|不准说|禁止说|严禁|避免说|别说|不说|习惯用语|改说|应改为|而不是说|不要讲|不准讲)[^。！？!?\n]{0,6}$")
_QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’", "\"": "\""}


def _skipped_spans(text: str) -> list[tuple[int, int]]:
    """Spans that are not the writer's own words: customer lines, quoted customer speech, mentions."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if _SPEAKER_LINE.match(line) and not _AGENT_LINE.match(line):
            spans.append((pos, pos + len(line)))
        pos += len(line)
    i = 0
    while i < len(text):
        ch = text[i]
        close = _QUOTE_PAIRS.get(ch)
        if close:
            j = text.find(close, i + 1)
            if j == -1:
                break
            before = text[max(0, i - 16):i]
            before = _SENTENCE_END.split(before)[-1]
            if _REPORTED.search(before) or _MENTION.search(before):
                spans.append((i, j + 1))
            i = j + 1
        else:
            i += 1
    return spans


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    m = _SENTENCE_END.search(text, end)
    return left, (m.start() if m else len(text))


@lru_cache(maxsize=256)
def _word_bounds(sentence: str) -> frozenset[int]:
    from kefu.knowledge.search import _jieba

    jieba = _jieba()
    bounds = {0}
    pos = 0
    for tok in jieba.cut(sentence, HMM=False):
        pos += len(tok)
        bounds.add(pos)
    return frozenset(bounds)


def check(text: str, rules: tuple[Rule, ...] | list[Rule] | None = None) -> list[Hit]:
    """Hits sorted by position; overlapping hits keep the longest (forbidden before discouraged)."""
    if not text:
        return []
    rules = default_rules() if rules is None else rules
    skipped = _skipped_spans(text)
    found: list[Hit] = []
    for rule in rules:
        for m in rule.compiled.finditer(text):
            start, end = m.span()
            if end <= start:
                continue
            if any(a <= start and end <= b for a, b in skipped):
                continue
            s_left, s_right = _sentence_bounds(text, start, end)
            sentence = text[s_left:s_right]
            if rule.compiled_unless is not None and rule.compiled_unless.search(sentence):
                continue
            if _REPORTED.search(text[s_left:start]):
                continue
            if rule.word:
                bounds = _word_bounds(sentence)
                if (start - s_left) not in bounds or (end - s_left) not in bounds:
                    continue
            found.append(Hit(start, end, m.group(0), rule.category, rule.suggestion, rule.seed_line, rule.code, rule.phrase))
    found.sort(key=lambda h: (h.start, -(h.end - h.start), h.category != "forbidden"))
    kept: list[Hit] = []
    for hit in found:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def highlight(text: str, hits: list[Hit]) -> list[tuple[str, Hit | None]]:
    """The text cut into (piece, hit-or-None) for rendering; the template escapes each piece."""
    pieces: list[tuple[str, Hit | None]] = []
    pos = 0
    for hit in hits:
        if hit.start > pos:
            pieces.append((text[pos:hit.start], None))
        pieces.append((text[hit.start:hit.end], hit))
        pos = hit.end
    if pos < len(text):
        pieces.append((text[pos:], None))
    return pieces
