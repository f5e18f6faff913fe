"""Where a py-spy profile (collapsed stacks, ``-f raw``) spends its samples: the functions with
the largest inclusive share, optionally only the project's own (``--ours``).
Run: ``python -m benchmarks.profile_top prof/worker-c40.txt [--ours] [--top 30]``."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

OURS = ("workflows/", "activities/", "api/", "domain/", "db/", "rescue/", "worker.py")


def top(path: Path, n: int, ours: bool) -> list[tuple[str, float]]:
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        samples = int(count)
        total += samples
        frames = set(stack.split(";"))
        for frame in frames:
            if not ours or any(o in frame for o in OURS):
                inclusive[frame] += samples
    return [(f, c / total) for f, c in inclusive.most_common(n)]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--ours", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    for frame, share in top(args.profile, args.top, args.ours):
        print(f"{share * 100:5.1f}%  {frame[:160]}")
