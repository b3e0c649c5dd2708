"""Phrase checker quality on the labelled set: precision and recall, against a bare-substring baseline.

Three sets: phrase_labels.tsv (tuned on), phrase_holdout.tsv (written after tuning) and
phrase_independent.tsv (written by someone who had read neither the rules nor the code; the goal of
issue 12 is precision and recall >= 95 % on it). Errors are listed with how the sentence is typed
(繁体 traditional, 全角 full-width forms incl. ，？！, 字间隔 spaced/punctuated characters, 语气词 modal particles).

    .venv/bin/python bench/phrases.py        (no database needed)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collections import Counter  # noqa: E402

from kefu.knowledge.labels import (  # noqa: E402
    GOAL_PRECISION,
    GOAL_RECALL,
    INDEPENDENT_FILE,
    kinds,
    load_labels,
    meets_goal,
    score,
    substring_baseline,
)
from kefu.knowledge.labels import (
    HOLDOUT_FILE as HOLDOUT,
)
from kefu.knowledge.phrase_data import DEFAULT_RULES  # noqa: E402
from kefu.knowledge.phrases import check, to_simplified  # noqa: E402


def pct(x):
    return "—" if x is None else f"{x * 100:.1f}%"


def main() -> None:
    rows = load_labels()
    bad = sum(r.label != "ok" for r in rows)
    print(f"labelled set: {len(rows)} sentences ({bad} to flag, {len(rows) - bad} clean)")
    check("喂，你好")  # warm-up: jieba loads its dictionary on first use
    t0 = time.perf_counter()
    ours, errors = score(rows, lambda t: [h.category for h in check(t)])
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    base, _ = score(rows, substring_baseline(DEFAULT_RULES))
    t_base = time.perf_counter() - t0
    print(
        f"checker : precision {pct(ours.precision)}  recall {pct(ours.recall)}  "
        f"(tp {ours.tp} fp {ours.fp} fn {ours.fn}; category right {ours.category_right}/{ours.tp}; {t_ours * 1000 / len(rows):.2f} ms/sentence)"
    )
    print(
        f"baseline: precision {pct(base.precision)}  recall {pct(base.recall)}  "
        f"(bare substrings of the seed wording; tp {base.tp} fp {base.fp} fn {base.fn}; {t_base * 1000 / len(rows):.3f} ms/sentence)"
    )
    if ours.precision and base.precision and base.recall:
        print(
            f"ratio checker/baseline: precision x{ours.precision / base.precision:.2f}  recall x{ours.recall / base.recall:.2f}"
        )
    for kind, row in errors:
        print(f"  {kind} [{row.label}] L{row.line}: {row.text}")
    held = load_labels(HOLDOUT)
    hs, herrors = score(held, lambda t: [h.category for h in check(t)])
    print(
        f"held-out ({len(held)} sentences written after tuning, never tuned on): precision {pct(hs.precision)}  recall {pct(hs.recall)}  "
        f"(tp {hs.tp} fp {hs.fp} fn {hs.fn})"
    )
    for kind, row in herrors:
        print(f"  {kind} [{row.label}] L{row.line}: {row.text}")
    independent()


def independent() -> None:
    if not INDEPENDENT_FILE.exists():
        print(f"independent set: {INDEPENDENT_FILE.name} not found")
        return
    rows = load_labels(INDEPENDENT_FILE)
    s, errors = score(rows, lambda t: [h.category for h in check(t)])
    base, _ = score(rows, substring_baseline(DEFAULT_RULES))
    bad = sum(r.label != "ok" for r in rows)
    met = meets_goal(s)
    print(
        f"independent ({len(rows)} sentences, {bad} to flag, {len(rows) - bad} clean; written without reading the rules or code): "
        f"precision {pct(s.precision)}  recall {pct(s.recall)}  (tp {s.tp} fp {s.fp} fn {s.fn}; category right {s.category_right}/{s.tp})"
    )
    print(f"  baseline: precision {pct(base.precision)}  recall {pct(base.recall)}")
    short = []
    if (s.precision or 0) < GOAL_PRECISION:
        short.append(f"precision {(GOAL_PRECISION - (s.precision or 0)) * 100:.1f} points short")
    if (s.recall or 0) < GOAL_RECALL:
        short.append(f"recall {(GOAL_RECALL - (s.recall or 0)) * 100:.1f} points short")
    print(
        f"  goal precision >= {GOAL_PRECISION:.0%} and recall >= {GOAL_RECALL:.0%}: "
        + ("met" if met else "NOT met (" + ", ".join(short) + ")")
    )
    by_kind = Counter((kind, k) for kind, row in errors for k in kinds(row.text, to_simplified(row.text)))
    all_kinds = Counter(k for row in rows for k in kinds(row.text, to_simplified(row.text)))
    print("  sentences by how they are typed: " + ", ".join(f"{k} {n}" for k, n in sorted(all_kinds.items())))
    if errors:
        print(
            "  errors by how the sentence is typed: "
            + ", ".join(f"{k} {kind} {n}/{all_kinds[k]}" for (kind, k), n in sorted(by_kind.items()))
        )
    for kind, row in errors:
        print(f"  {kind} [{row.label}] L{row.line} ({'/'.join(kinds(row.text, to_simplified(row.text)))}): {row.text}")


if __name__ == "__main__":
    main()
