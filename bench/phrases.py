"""Phrase checker quality on the labelled set: precision and recall, against a bare-substring baseline.

    .venv/bin/python bench/phrases.py        (no database needed)
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kefu.knowledge.labels import HOLDOUT_FILE as HOLDOUT, load_labels, score, substring_baseline  # noqa: E402
from kefu.knowledge.phrase_data import DEFAULT_RULES  # noqa: E402
from kefu.knowledge.phrases import check  # noqa: E402


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
    print(f"checker : precision {pct(ours.precision)}  recall {pct(ours.recall)}  "
          f"(tp {ours.tp} fp {ours.fp} fn {ours.fn}; category right {ours.category_right}/{ours.tp}; {t_ours * 1000 / len(rows):.2f} ms/sentence)")
    print(f"baseline: precision {pct(base.precision)}  recall {pct(base.recall)}  "
          f"(bare substrings of the seed wording; tp {base.tp} fp {base.fp} fn {base.fn}; {t_base * 1000 / len(rows):.3f} ms/sentence)")
    if ours.precision and base.precision and base.recall:
        print(f"ratio checker/baseline: precision x{ours.precision / base.precision:.2f}  recall x{ours.recall / base.recall:.2f}")
    for kind, row in errors:
        print(f"  {kind} [{row.label}] L{row.line}: {row.text}")
    held = load_labels(HOLDOUT)
    hs, herrors = score(held, lambda t: [h.category for h in check(t)])
    print(f"held-out ({len(held)} sentences written after tuning, never tuned on): precision {pct(hs.precision)}  recall {pct(hs.recall)}  "
          f"(tp {hs.tp} fp {hs.fp} fn {hs.fn})")
    for kind, row in herrors:
        print(f"  {kind} [{row.label}] L{row.line}: {row.text}")


if __name__ == "__main__":
    main()
