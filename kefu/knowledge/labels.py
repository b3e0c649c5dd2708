"""The labelled sentence set of the phrase checker and its scoring (pure; used by tests and bench)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

LABELS_FILE = Path(__file__).parent / "data" / "phrase_labels.tsv"
HOLDOUT_FILE = Path(__file__).parent / "data" / "phrase_holdout.tsv"
# Written by someone who had read neither the rules nor the code; measured on, never tuned on (issue 12).
INDEPENDENT_FILE = Path(__file__).parent / "data" / "phrase_independent.tsv"
GOAL_PRECISION = GOAL_RECALL = 0.95


LABELS = ("forbidden", "discouraged", "ok")


@dataclass(frozen=True)
class Labelled:
    label: str  # forbidden | discouraged | ok
    text: str
    line: int


def load_labels(path: Path = LABELS_FILE) -> list[Labelled]:
    rows = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        label, _, text = raw.partition("\t")
        if label.strip() not in LABELS or not text.strip():
            raise ValueError(f"{path.name}:{number}: 应为 label<TAB>text，label 取 {'/'.join(LABELS)}")
        rows.append(Labelled(label.strip(), text.strip(), number))
    return rows


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int
    tn: int
    category_right: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def score(rows: list[Labelled], flagged) -> tuple[Score, list[tuple[str, Labelled]]]:
    """flagged(text) -> list of categories found. A sentence is positive when labelled other than ok."""
    tp = fp = fn = tn = right = 0
    errors = []
    for row in rows:
        cats = flagged(row.text)
        bad = row.label != "ok"
        if bad and cats:
            tp += 1
            right += row.label in cats
        elif bad:
            fn += 1
            errors.append(("漏报", row))
        elif cats:
            fp += 1
            errors.append(("误报", row))
        else:
            tn += 1
    return Score(tp, fp, fn, tn, right), errors


def substring_baseline(rules: list[dict]):
    """The naive checker: each rule's seed wording cut into literal pieces, matched as bare characters."""
    pieces: list[tuple[str, str]] = []
    for rule in rules:
        for part in re.split(r"[，,。！!？?／/、（）()……“”\s]+", rule["phrase"]):
            part = part.strip()
            if len(part) >= 2 or part in ("喂", "嘿"):
                pieces.append((part, rule["category"]))

    def flagged(text: str) -> list[str]:
        return [cat for part, cat in pieces if part in text]

    return flagged


def meets_goal(s: Score) -> bool:
    return (s.precision or 0) >= GOAL_PRECISION and (s.recall or 0) >= GOAL_RECALL


_HAN_GAP = re.compile(r"[\u4e00-\u9fff][\s,，、.．·•*~～\-_/|…—]+(?=[\u4e00-\u9fff])")
_PARTICLE_AFTER = re.compile(r"[\u4e00-\u9fff][啊呀呢嘛吧啦]")


def kinds(text: str, simplified: str) -> list[str]:
    """How a sentence is typed, for reading the errors: 繁体, 全角, 字间隔, 语气词 (or 常规)."""
    found = []
    if simplified != text:
        found.append("繁体")
    if any("\uff01" <= c <= "\uff5e" or c == "\u3000" for c in text):
        found.append("全角")
    if _HAN_GAP.search(text.replace("，", "")) or re.search(r"[\u4e00-\u9fff][\s\u3000]+[\u4e00-\u9fff]", text):
        found.append("字间隔")
    if _PARTICLE_AFTER.search(text):
        found.append("语气词")
    return found or ["常规"]
