"""Run panel cells in parallel, appending each finished row to a JSON-lines file."""

import json
from pathlib import Path

import _panel
from joblib import Parallel, delayed


def _append(out_path, row):
    # one write per row on a file opened for appending: rows of parallel jobs
    # never interleave, and a cut run keeps every finished row
    with open(out_path, "a") as f:
        f.write(json.dumps(row) + "\n")


def _seed_job(name, seed, split, settings, equal_size, data_dir, out_path):
    """Dense model of one (dataset, seed), then every setting from it."""
    data = _panel.load(name, split, data_dir)
    dense, dense_row = _panel.fit_dense(name, seed, data)
    dense_row["split"] = split
    _append(out_path, dense_row)
    rows = [dense_row]
    for setting, params, recipe in settings:
        row = _panel.fit_pruned(
            name, seed, data, dense, dense_row, setting, params, recipe
        )
        row["split"] = split
        _append(out_path, row)
        rows.append(row)
        if equal_size and setting in equal_size:
            neuron = params.get("prune_granularity") == "neuron"
            eq = _panel.fit_equal_size(
                name,
                seed,
                data,
                row["n_nonzero"],
                row["hidden_layer_sizes"] if neuron else None,
            )
            eq.update(setting="equal-size dense", of=setting, split=split)
            _append(out_path, eq)
            rows.append(eq)
    return rows


def run(jobs, out_path, n_jobs=2):
    """``jobs``: (name, seed, split, settings, equal_size, data_dir) tuples.

    Every finished row is appended to ``out_path`` (JSON lines) at once.
    """
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for job_rows in Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
        delayed(_seed_job)(*job, str(out_path)) for job in jobs
    ):
        rows.extend(job_rows)
    return rows
