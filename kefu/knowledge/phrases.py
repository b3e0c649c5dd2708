"""Phrase checker: finds discouraged (习惯用语) and forbidden (服务忌语) expressions in a text.

Pure module (no Django). It judges expressions, not bare characters:
- every rule is a regular expression for the expression (我不管 followed by 多晚 is not 这事我不管);
- a rule may name an allowed context in the same sentence (`unless`), e.g. 公司规定 when the
  customer insists on the agent's name (004:L1229) is allowed, 这是公司的政策 otherwise is not (004:L1849);
- `word` rules must start and end on jieba word boundaries (喂 but not 喂养);
- the customer's words are not the agent's: transcript lines spoken by the customer (客户：…), quoted
  customer speech (客户说“…”), reported speech in notes (客户反映…) and mentions of the phrase list
  itself (切忌说“…”) are skipped.

Text is matched the way it was meant, not the way it was typed (issue 12): traditional characters are read
as simplified (OpenCC t2s), full-width forms as half-width (NFKC), and a second, squeezed reading drops
spacing and soft punctuation between Chinese characters (不 关 我 的 事, 我……不知道) and modal particles
(啊呀呢嘛吧啦) after a character. Rules run on both readings; every hit is mapped back to the original
text, so start/end slice what the writer typed.

Editors write rules (PhraseRule), so a pattern is also checked for safety (`pattern_error`): a restricted
regular-expression language whose backtracking is bounded (no backreferences, no unbounded repeats, a
bounded number of ways to match from one position), so the checker stays linear in the text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
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
        object.__setattr__(self, "compiled", re.compile(normalise_pattern(self.pattern)))
        object.__setattr__(self, "compiled_unless", re.compile(normalise_pattern(self.unless)) if self.unless else None)


def rule_from(data: dict) -> Rule:
    return Rule(
        code=data["code"],
        category=data["category"],
        phrase=data["phrase"],
        pattern=data["pattern"],
        suggestion=data.get("suggestion", ""),
        seed_line=data.get("seed_line", ""),
        unless=data.get("unless", "") or "",
        word=bool(data.get("word", False)),
    )


# ---------------------------------------------------------------- reading the text as meant (issue 12)

PARTICLES = "啊呀呢嘛吧啦"
# Words in which a particle character is not a particle: the squeezed reading keeps them whole.
_PARTICLE_WORDS = ("干嘛", "酒吧", "网吧", "吧台", "吧唧", "啦啦", "呢子", "呢喃", "哑巴", "啊哈")
# Soft separators: dropped in the squeezed readings unless they touch a letter or digit (工号 1024).
# Sentence ends (。!?;\n), quotes and brackets are kept: they carry who speaks and where a sentence ends.
_SOFT_SEPARATORS = frozenset(" \t\u00a0,、:·•*~-_./\\|…—–")
# Clause breaks: the light reading keeps one of a run (我没、办法 ，您明天 → 我没办法,您明天); 、 and …
# between characters are read as spacing or hesitation (我……不知道).
_CLAUSE = frozenset(",:")


@dataclass(frozen=True)
class Reading:
    """A normalised reading of a text; origin[i] is the index in the original text of text[i]."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of text[start:end] (end > start)."""
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # loads its dictionaries once

    return opencc.OpenCC("t2s")


def _fold_char(ch: str) -> str:
    """Full-width and other compatibility forms as their plain character (，→, ！→! １→1); else ch."""
    if ch.isascii():
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def _convert(text: str) -> str | None:
    try:
        return _t2s().convert(text)
    except UnicodeError:  # a lone surrogate cannot be passed to OpenCC: that text is read as typed
        return None


def _to_simplified(text: str) -> tuple[str, list[int]]:
    """t2s with an origin per output character; OpenCC keeps the length for almost every text, else
    each character is converted alone (its context lost, its position kept)."""
    converted = _convert(text)
    if converted is not None and len(converted) == len(text):
        return converted, list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        piece = _convert(ch) or ch
        out.append(piece)
        origin.extend([i] * len(piece))
    return "".join(out), origin


def to_simplified(text: str) -> str:
    """The text in simplified characters (OpenCC t2s), same length."""
    return _to_simplified(text)[0] if not text.isascii() else text


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def base_reading(text: str) -> Reading:
    """Simplified characters, half-width forms; nothing dropped."""
    if text.isascii():
        return Reading(text, tuple(range(len(text))))
    simplified, origin = _to_simplified(text)
    return Reading("".join(_fold_char(c) for c in simplified), tuple(origin))


def squeezed_reading(base: Reading, keep_clause: bool = False) -> Reading:
    """The base reading without spacing and soft punctuation between characters (不 关 我 的 事,
    我……不知道, 什么 ?) and without a modal particle after a Chinese character (你问我呀,我问谁呀 →
    你问我我问谁). keep_clause: a run holding clause punctuation keeps its first such character."""
    text = base.text
    n = len(text)
    keep = [True] * n
    i = 0
    while i < n:
        if text[i] not in _SOFT_SEPARATORS:
            i += 1
            continue
        j = i
        while j < n and text[j] in _SOFT_SEPARATORS:
            j += 1
        left = text[i - 1] if i else ""
        right = text[j] if j < n else ""
        if not (left.isascii() and left.isalnum()) and not (right.isascii() and right.isalnum()):
            clause = next((k for k in range(i, j) if text[k] in _CLAUSE), None) if keep_clause else None
            for k in range(i, j):
                keep[k] = k == clause
        i = j
    previous = ""  # the last character kept: 我-呀 drops the dash, then the particle
    for i, ch in enumerate(text):
        if not keep[i]:
            continue
        if ch in PARTICLES and _is_han(previous) and not _in_particle_word(text, i):
            keep[i] = False
        else:
            previous = ch
    kept = [i for i in range(n) if keep[i]]
    return Reading("".join(text[i] for i in kept), tuple(base.origin[i] for i in kept))


def _in_particle_word(text: str, i: int) -> bool:
    return any(
        text.startswith(word, i - k)
        for word in _PARTICLE_WORDS
        for k in range(len(word))
        if word[k] == text[i] and i - k >= 0
    )


def readings(text: str) -> tuple[Reading, ...]:
    """The base reading, then the light and the full squeezed readings when they differ from it."""
    base = base_reading(text)
    out = [base]
    for keep_clause in (True, False):
        squeezed = squeezed_reading(base, keep_clause)
        if all(squeezed.text != r.text for r in out):
            out.append(squeezed)
    return tuple(out)


def normalise_pattern(pattern: str) -> str:
    """A rule written with traditional or full-width characters, for matching the normalised text:
    t2s, and each full-width character as its escaped half-width form (？ → \\?, never a quantifier)."""
    if not pattern or pattern.isascii():
        return pattern
    simplified, _ = _to_simplified(pattern)
    out: list[str] = []
    i = 0
    while i < len(simplified):
        ch = simplified[i]
        if ch == "\\" and i + 1 < len(simplified):
            nxt = simplified[i + 1]
            folded = _fold_char(nxt)
            out.append(re.escape(folded) if folded != nxt else ch + nxt)
            i += 2
            continue
        folded = _fold_char(ch)
        out.append(re.escape(folded) if folded != ch else ch)
        i += 1
    return "".join(out)


# ---------------------------------------------------------------- safe patterns for editors

MAX_REPEAT = 20  # largest {m,n} an editor may write
MAX_WAYS = 1000  # ways a pattern may try to match from one position (the checker stays linear in the text)


class UnsafePattern(ValueError):
    """A pattern outside the safe language; the message is Chinese and says which rule it breaks."""


@dataclass
class _Node:
    kind: str  # seq | alt | atom | look | repeat | empty
    items: list = field(default_factory=list)
    low: int = 0
    high: int = 0
    literal: str | None = None  # for atoms and literal sequences


_ESCAPE_CLASS = set("dDsSwW")
_ESCAPE_ANCHOR = set("bBAZ")


class _PatternParser:
    """A small parser of the regular-expression subset editors may use (enough to judge its cost)."""

    def __init__(self, pattern: str):
        self.p = pattern
        self.i = 0

    def parse(self) -> _Node:
        node = self._alternation()
        if self.i < len(self.p):
            raise UnsafePattern("括号不配对")
        return node

    def _alternation(self) -> _Node:
        branches = [self._sequence()]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            branches.append(self._sequence())
        return branches[0] if len(branches) == 1 else _Node("alt", branches)

    def _sequence(self) -> _Node:
        items: list[_Node] = []
        while self.i < len(self.p) and self.p[self.i] not in "|)":
            atom = self._atom()
            items.append(self._quantified(atom))
        return _Node("seq", items)

    def _atom(self) -> _Node:
        p, ch = self.p, self.p[self.i]
        if ch == "(":
            return self._group()
        if ch == "[":
            self._skip_class()
            return _Node("atom")
        if ch == "\\":
            nxt = p[self.i + 1] if self.i + 1 < len(p) else ""
            if nxt.isdigit() and nxt != "0":
                raise UnsafePattern(f"不允许反向引用（\\{nxt}）")
            self.i += 2
            if nxt in _ESCAPE_ANCHOR:
                return _Node("empty")
            if nxt == "x":
                self.i += 2
            elif nxt == "u":
                self.i += 4
            elif nxt == "U":
                self.i += 8
            elif nxt == "N":
                self.i = p.index("}", self.i) + 1
            return _Node("atom", literal=None if nxt in _ESCAPE_CLASS else nxt)
        if ch in "*+?{" and self._repeat_bounds() is not None:
            raise UnsafePattern("重复次数前面缺少内容")
        self.i += 1
        if ch in "^$":
            return _Node("empty")
        return _Node("atom", literal=None if ch == "." else ch)

    def _group(self) -> _Node:
        p = self.p
        self.i += 1
        look = False
        if p.startswith("?", self.i):
            head = p[self.i : self.i + 4]
            if head.startswith(("?P=", "?(")):
                raise UnsafePattern("不允许反向引用或条件分组")
            if head.startswith("?#"):
                self.i = p.index(")", self.i) + 1
                return _Node("empty")
            if head.startswith(("?=", "?!")):
                self.i += 2
                look = True
            elif head.startswith(("?<=", "?<!")):
                self.i += 3
                look = True
            elif head.startswith("?P<"):
                self.i = p.index(">", self.i) + 1
            elif head.startswith(("?:", "?>")):
                self.i += 2
            else:
                raise UnsafePattern("不支持的分组写法（只可用 (…)、(?:…)、(?=…)、(?!…)、(?<=…)、(?<!…)）")
        inner = self._alternation()
        if self.i >= len(p) or p[self.i] != ")":
            raise UnsafePattern("括号不配对")
        self.i += 1
        return _Node("look", [inner]) if look else inner

    def _skip_class(self) -> None:
        p = self.p
        self.i += 1
        if p.startswith("^", self.i):
            self.i += 1
        if p.startswith("]", self.i):
            self.i += 1
        while self.i < len(p) and p[self.i] != "]":
            self.i += 2 if p[self.i] == "\\" else 1
        self.i += 1

    def _repeat_bounds(self) -> tuple[int, int | None] | None:
        p, ch = self.p, self.p[self.i]
        if ch == "*":
            return 0, None
        if ch == "+":
            return 1, None
        if ch == "?":
            return 0, 1
        m = re.match(r"\{(\d*)(,?)(\d*)\}", p[self.i :])
        if ch != "{" or not m or not (m.group(1) or m.group(3)):
            return None
        low = int(m.group(1) or 0)
        high = None if m.group(2) and not m.group(3) else int(m.group(3) or m.group(1))
        return low, high

    def _quantified(self, atom: _Node) -> _Node:
        while self.i < len(self.p):
            bounds = self._repeat_bounds()
            if bounds is None:
                return atom
            ch = self.p[self.i]
            self.i += re.match(r"\{[^}]*\}", self.p[self.i :]).end() if ch == "{" else 1
            if self.i < len(self.p) and self.p[self.i] in "?+":
                self.i += 1  # lazy or possessive: the same ways, tried in another order
            low, high = bounds
            if high is None:
                raise UnsafePattern(
                    f"不允许无上限的重复（*、+ 或 {{m,}}），请写成有上限的次数，如 {{0,{MAX_REPEAT // 2}}}"
                )
            if high > MAX_REPEAT:
                raise UnsafePattern(f"重复次数上限不能超过{MAX_REPEAT}")
            if atom.kind == "repeat":
                raise UnsafePattern("不允许嵌套重复")
            atom = _Node("repeat", [atom], low=low, high=high)
        return atom


def _literal_words(node: _Node) -> list[str] | None:
    """The words of an alternation of plain literals (他们|那边|单位), else None."""
    if node.kind == "alt":
        words = [_literal_word(b) for b in node.items]
        return None if any(w is None for w in words) else words
    return None


def _literal_word(node: _Node) -> str | None:
    if node.kind == "atom":
        return node.literal
    if node.kind == "seq" and all(i.kind == "atom" and i.literal is not None for i in node.items):
        return "".join(i.literal for i in node.items)
    return None


def _ways(node: _Node) -> int:
    """How many ways node can match from one position, at most: the bound on the checker's backtracking."""
    if node.kind in ("atom", "empty"):
        return 1
    if node.kind == "seq":
        total = 1
        for item in node.items:
            total *= _ways(item)
        return total
    if node.kind == "alt":
        words = _literal_words(node)
        if words is not None:  # literal words: only those that are prefixes of one another can all match
            return max(sum(w.startswith(v) for v in words) for w in words)
        return sum(_ways(b) for b in node.items)
    if node.kind == "look":
        return _ways(node.items[0])
    inner = _ways(node.items[0])
    if inner > 1 and _contains_repeat(node.items[0]):
        raise UnsafePattern("不允许嵌套重复（重复的分组里又有重复，如 (x+x+)+）")
    return sum(inner**k for k in range(node.low, node.high + 1))


def _contains_repeat(node: _Node) -> bool:
    return node.kind == "repeat" or any(_contains_repeat(i) for i in node.items if isinstance(i, _Node))


def pattern_safety(pattern: str) -> str | None:
    """None when the pattern is in the safe language, else the reason (Chinese)."""
    try:
        ways = _ways(_PatternParser(pattern).parse())
    except UnsafePattern as exc:
        return str(exc)
    except (ValueError, AttributeError, IndexError):
        return "无法解析的写法"
    if ways > MAX_WAYS:
        return f"可能的匹配方式过多（{ways}种，上限{MAX_WAYS}），请减少可选部分或缩小重复次数"
    return None


def pattern_problem(pattern: str) -> tuple[str, str] | None:
    """None when the pattern compiles and is safe, else (rule, reason): rule is regex | empty | unsafe."""
    try:
        compiled = re.compile(normalise_pattern(pattern))
    except re.error as exc:
        return "regex", f"不是有效的正则表达式：{exc}"
    if compiled.match(""):
        return "empty", "不能匹配空字符串"
    unsafe = pattern_safety(pattern)
    return ("unsafe", f"写法不安全：{unsafe}") if unsafe else None


def pattern_error(pattern: str) -> str | None:
    """None when the pattern compiles and is safe, else the reason (for the editor's form)."""
    problem = pattern_problem(pattern)
    return problem[1] if problem else None


@lru_cache(maxsize=1)
def default_rules() -> tuple[Rule, ...]:
    return tuple(rule_from(d) for d in DEFAULT_RULES)


_SENTENCE_END = re.compile(r"[。！!？?；;\n]")
_CUSTOMER = r"(?:客户|来电人|来电者|用户|顾客|市民|对方|患者|买家|群众|他|她)"
_SPEAKER_LINE = re.compile(rf"^\s*(?:{_CUSTOMER}|客人|访客)\s*[:：]")
_AGENT_LINE = re.compile(r"^\s*(?:坐席|座席|客服|话务员|客户代表|我)\s*[:：]")
_REPORTED = re.compile(
    rf"{_CUSTOMER}[^。！？!?\n“”\"]{{0,8}}?(?:反映|反应|称|投诉|表示|说|问|认为|质问|骂|抱怨|声称|讲)"
    r"|(?:话务员|坐席|座席|工号\s*\d+)(?:曾|当时)?(?:对客户)?(?:说|讲|称)"
)
_MENTION = re.compile(
    r"(?:忌语|忌说|切忌|不要说|不能说|不得说|不准说|禁止说|严禁|避免说|别说|不说|习惯用语|改说|应改为|而不是说|不要讲|不准讲)[^。！？!?\n]{0,6}$"
)
_QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"'}


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
            before = text[max(0, i - 16) : i]
            before = _SENTENCE_END.split(before)[-1]
            if _REPORTED.search(before) or _MENTION.search(before):
                spans.append((i, j + 1))
            i = j + 1
        else:
            i += 1
    return spans


class _Sentences:
    """One reading with its sentence ends and reported-speech spans found once, so that each hit costs a
    lookup rather than a scan (a long text full of hits stays linear)."""

    def __init__(self, view: Reading):
        self.view = view
        self.ends = [m.end() for m in _SENTENCE_END.finditer(view.text)]
        self.reported = [m.span() for m in _REPORTED.finditer(view.text)]
        self.reported_starts = [a for a, _ in self.reported]
        self.memo: dict = {}

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """The sentence around text[start:end]: after the last sentence end before start, up to the next one."""
        i = bisect_right(self.ends, start)
        left = self.ends[i - 1] if i else 0
        j = bisect_left(self.ends, end + 1)
        return left, (self.ends[j] - 1 if j < len(self.ends) else len(self.view.text))

    def reported_before(self, left: int, start: int) -> bool:
        """Reported speech (客户反映…) in text[left:start]."""
        i = bisect_left(self.reported_starts, left)
        return i < len(self.reported) and self.reported[i][1] <= start

    def word_bounds(self, left: int, right: int) -> frozenset[int]:
        key = ("words", left, right)
        if key not in self.memo:
            self.memo[key] = _word_bounds(self.view.text[left:right])
        return self.memo[key]

    def unless(self, rule: Rule, left: int, right: int) -> bool:
        key = ("unless", rule.code, rule.unless, left, right)
        if key not in self.memo:
            self.memo[key] = bool(rule.compiled_unless.search(self.view.text[left:right]))
        return self.memo[key]


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
    """Hits sorted by position; overlapping hits keep the longest (forbidden before discouraged).

    Rules run on each reading of the text; a hit's start/end are offsets into `text`. Whose words they
    are (customer lines, quotes, reported speech) and a rule's allowed context are judged on every
    reading: spacing must neither hide a phrase nor hide that the customer said it.
    """
    if not text:
        return []
    rules = default_rules() if rules is None else rules
    views = [_Sentences(view) for view in readings(text)]
    skipped = _merged([view.view.span(a, b) for view in views for a, b in _skipped_spans(view.view.text) if b > a])
    skipped_starts = [a for a, _ in skipped]
    found: dict[tuple[int, int, str], Hit] = {}
    for view in views:
        for rule in rules:
            for hit in _rule_hits(rule, view, text):
                key = (hit.start, hit.end, hit.code)
                if key in found:
                    continue
                i = bisect_right(skipped_starts, hit.start) - 1
                if i >= 0 and hit.end <= skipped[i][1]:
                    continue
                if not any(_allowed_here(rule, other, hit.start, hit.end) for other in views):
                    found[key] = hit
    ordered = sorted(found.values(), key=lambda h: (h.start, -(h.end - h.start), h.category != "forbidden"))
    kept: list[Hit] = []
    for hit in ordered:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _rule_hits(rule: Rule, sentences: _Sentences, text: str):
    view = sentences.view
    for m in rule.compiled.finditer(view.text):
        start, end = m.span()
        if end <= start:
            continue
        if rule.word:
            s_left, s_right = sentences.bounds(start, end)
            bounds = sentences.word_bounds(s_left, s_right)
            if (start - s_left) not in bounds or (end - s_left) not in bounds:
                continue
        o_start, o_end = view.span(start, end)
        yield Hit(
            o_start, o_end, text[o_start:o_end], rule.category, rule.suggestion, rule.seed_line, rule.code, rule.phrase
        )


def _allowed_here(rule: Rule, sentences: _Sentences, o_start: int, o_end: int) -> bool:
    """True when, in this reading, the sentence holds the rule's allowed context or the words are reported speech."""
    view = sentences.view
    start = bisect_left(view.origin, o_start)
    if start >= len(view.text):
        return False
    end = min(max(start + 1, bisect_left(view.origin, o_end)), len(view.text))
    s_left, s_right = sentences.bounds(start, end)
    if rule.compiled_unless is not None and sentences.unless(rule, s_left, s_right):
        return True
    return sentences.reported_before(s_left, start)


def highlight(text: str, hits: list[Hit]) -> list[tuple[str, Hit | None]]:
    """The text cut into (piece, hit-or-None) for rendering; the template escapes each piece."""
    pieces: list[tuple[str, Hit | None]] = []
    pos = 0
    for hit in hits:
        if hit.start > pos:
            pieces.append((text[pos : hit.start], None))
        pieces.append((text[hit.start : hit.end], hit))
        pos = hit.end
    if pos < len(text):
        pieces.append((text[pos:], None))
    return pieces
