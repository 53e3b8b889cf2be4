"""Score a satisfaction survey of 100,000 responses (3 groups, 5 dimensions, 20 questions, ~5% blanks).

    python bench/survey_scoring.py [--responses 100000] [--repeat 3]

Pure Python, no database: ipcity.protection.survey_scoring, with and without per-response validation.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ipcity.protection.survey_scoring import parse_definition, score  # noqa: E402

DIMENSIONS = ["law", "enforcement", "mechanism", "awareness", "effect"]
DEFINITION = {
    "groups": [
        {"code": "rights_holder", "weight": "0.4"},
        {"code": "professional", "weight": "0.3"},
        {"code": "public", "weight": "0.3"},
    ],
    "dimensions": [
        {"code": d, "weight": "0.2", "questions": [f"{d}_{i}" for i in range(1, 5)]} for d in DIMENSIONS
    ],
}


def responses(count: int, seed: int = 7) -> list[tuple[str, dict[str, int | None]]]:
    rng = random.Random(seed)
    groups = ["rights_holder", "professional", "public"]
    questions = [q for d in DEFINITION["dimensions"] for q in d["questions"]]  # type: ignore[index]
    return [
        (
            rng.choice(groups),
            {q: (None if rng.random() < 0.05 else rng.choice((3, 4, 4, 5, 5))) for q in questions},
        )
        for _ in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    definition = parse_definition(DEFINITION)
    data = responses(args.responses)
    for label, validate in (("validated", True), ("pre-validated (validate=False)", False)):
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = score(definition, data, validate=validate)
            times.append(time.perf_counter() - started)
        best = min(times)
        print(
            f"{args.responses} responses, {label}: best {best:.3f} s of {args.repeat} "
            f"({args.responses / best:,.0f} responses/s); score {result.score}, n {result.n}, blank {result.blank}"
        )


if __name__ == "__main__":
    main()
