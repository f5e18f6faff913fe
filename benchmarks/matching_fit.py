"""Fit the family-search model's m and u (``domain/matching/fit.py``) on synthetic training
pairs, and write ``domain/matching/parameters.json``.

The training people are drawn with their own seed (default 7), never the benchmark's (12 for the
reports, 14 for the queries): the fit sees how the generator's noise behaves, not the people the
benchmark then asks about. m comes from each person's report against the same person in care
(what a deployment's confirmed pairs are); u from a report against another person in care drawn
at random (what any two records are).

Run: ``.venv/bin/python -m benchmarks.matching_fit [--pairs N] [--random-pairs M] [--seed S]``.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from benchmarks.matching_synth import found_record, person, report_of
from domain.matching.fit import estimate, level_counts, save
from domain.matching.model import PARAMETERS


def fit(*, pairs: int, random_pairs: int, seed: int, out: Path) -> None:
    rng = random.Random(seed)
    people = [person(rng, i) for i in range(max(pairs, 2))]
    reports = [report_of(p, rng) for p in people]
    found = [found_record(p, rng, key=f"p{p.pid}") for p in people]
    began = time.perf_counter()
    same = level_counts(zip(reports[:pairs], found[:pairs], strict=True))
    others = ((reports[i], found[j]) for i, j in
              ((rng.randrange(len(people)), rng.randrange(len(people))) for _ in range(random_pairs)) if i != j)
    different = level_counts(others)
    fitted = estimate(same, different)
    save(out, fitted, same=same, different=different, about={
        "source": "benchmarks/matching_fit.py (synthetic people, benchmarks/matching_synth.py)",
        "seed": seed, "confirmed pairs": pairs, "random pairs": random_pairs})
    print(f"fitted on {pairs} pairs and {random_pairs} random pairs in {time.perf_counter() - began:.0f} s → {out}")
    for name, levels in fitted.items():
        print(f"{name:>10}: " + "  ".join(f"{lv}: m={m:.4f} u={u:.6f}" for lv, (m, u) in sorted(levels.items())))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=20_000, help="same-person pairs (for m)")
    parser.add_argument("--random-pairs", type=int, default=400_000, help="random pairs (for u)")
    parser.add_argument("--seed", type=int, default=7, help="the training people's seed (not the benchmark's)")
    parser.add_argument("--out", type=Path, default=PARAMETERS)
    args = parser.parse_args(argv)
    fit(pairs=args.pairs, random_pairs=args.random_pairs, seed=args.seed, out=args.out)


if __name__ == "__main__":
    main()
