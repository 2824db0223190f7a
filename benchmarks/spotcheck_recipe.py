"""Spot-check: the panel rows re-computed with the code of this commit.

The panel JSON-lines file was written by a run that started before the recipe
moved into the shared driver (``skprune/_pruning.py``); this re-fits a few of
its cells with the current code and prints whether the test scores and
sparsities are identical.

    python benchmarks/spotcheck_recipe.py [--mnist]
"""

import argparse
import json
from pathlib import Path

import _panel

RESULTS = Path(__file__).parent / "results"
CELLS = {
    "pruned | 90% weights": {"prune_ratio": 0.9},
    "pruned | 95% weights": {"prune_ratio": 0.95},
    "pruned | 50% neurons": {"prune_ratio": 0.5, "prune_granularity": "neuron"},
    "random | 95% weights": {"prune_ratio": 0.95, "prune_criterion": "random"},
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", action="store_true")
    args = parser.parse_args(argv)
    if args.mnist:
        names, path = ["mnist-10k"], RESULTS / "bench_quality_panel_mnist.jsonl"
        cells = {"pruned | 95% weights": CELLS["pruned | 95% weights"]}
    else:
        names, path = ["digits-100", "mc-4class"], RESULTS / "bench_quality_panel.jsonl"
        cells = CELLS
    stored = {
        (r["dataset"], r["seed"], r["setting"]): r
        for r in map(json.loads, path.read_text().splitlines())
    }
    out = []
    for name in names:
        data = _panel.load(name, "test")
        dense, dense_row = _panel.fit_dense(name, 0, data)
        for setting, params in cells.items():
            old = stored.get((name, 0, setting))
            new = _panel.fit_pruned(name, 0, data, dense, dense_row, setting, params)
            same = (
                old is not None
                and old["score"] == new["score"]
                and old["n_nonzero"] == new["n_nonzero"]
                and old["epochs"] == new["epochs"]
            )
            out.append(
                {
                    "dataset": name,
                    "setting": setting,
                    "stored": old and old["score"],
                    "now": new["score"],
                    "identical": same,
                }
            )
            print(out[-1], flush=True)
    (RESULTS / f"spotcheck_recipe{'_mnist' if args.mnist else ''}.json").write_text(
        json.dumps(out, indent=2)
    )


if __name__ == "__main__":
    main()
