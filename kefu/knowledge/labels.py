"""The labelled sentence set of the phrase checker and its scoring (pure; used by tests and bench)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

LABELS_FILE = Path(__file__).parent / "data" / "phrase_labels.tsv"
HOLDOUT_FILE = Path(__file__).parent / "data" / "phrase_holdout.tsv"


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
        label, text = raw.split("\t", 1)
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
