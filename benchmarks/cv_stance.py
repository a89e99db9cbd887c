"""Topic-disjoint 5-fold cross-validation of the stance model on the FNC-1 training set.

    .venv/bin/python benchmarks/cv_stance.py                    # CV figures, per fold and mean
    .venv/bin/python benchmarks/cv_stance.py --seed 1             # the same with another seed
    .venv/bin/python benchmarks/cv_stance.py --without-gate       # CV on the set minus the gate
    .venv/bin/python benchmarks/cv_stance.py --train pipeline/models
        # CV, then train the shipped model on everything but the quality-gate slice

The data is read from ``../shared/data/fnc1-train`` beside the repository unless ``--data`` says
otherwise. Both runs are deterministic (fixed seeds, LightGBM ``deterministic=True``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.judging.training import train as training  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "fnc1-train"
GATE = training.GATE_FILE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--seed", type=int, default=training.ModelConfig.seed, help="LightGBM seed (default 13)"
    )
    parser.add_argument(
        "--without-gate",
        action="store_true",
        help="cross-validate without the pairs touching the quality-gate slice",
    )
    parser.add_argument(
        "--train",
        type=Path,
        metavar="OUTPUT_DIR",
        help="also train the shipped model (gate slice excluded) into this dir",
    )
    args = parser.parse_args()
    stances = args.data / "train_stances.csv"
    bodies = args.data / "train_bodies.csv"
    config = training.ModelConfig(num_threads=args.threads, seed=args.seed)

    def progress(done: int, total: int) -> None:
        print(f"  step {done}/{total}", file=sys.stderr, flush=True)

    gate_ids = json.loads(GATE.read_text(encoding="utf-8"))["body_ids"]
    if args.train is None:
        report = training.cross_validate(
            stances,
            bodies,
            config=config,
            exclude_body_ids=gate_ids if args.without_gate else (),
            progress=progress,
        )
        print(report.render())
        print(json.dumps({k: round(v, 4) for k, v in report.mean().items()}))
        return 0
    started = time.perf_counter()
    trained = training.train(
        stances, bodies, args.train, config=config, exclude_body_ids=gate_ids, progress=progress
    )
    print(trained.render())
    print(f"training wall time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
