"""Every example script runs to completion (figures drawn with Agg)."""

import runpy
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

matplotlib = pytest.importorskip("matplotlib")  # in the 'test' extra: CI runs these
matplotlib.use("Agg")

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.py"))


def test_examples_exist():
    assert EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path, capsys):
    import matplotlib.pyplot as plt

    # One BLAS thread: on a loaded 2-core machine OpenBLAS' spinning threads
    # made single examples up to 10x slower (the examples' own n_jobs=2 still
    # runs two worker processes).
    try:
        with threadpool_limits(limits=1):
            runpy.run_path(str(path), run_name="__main__")
    finally:
        plt.close("all")
    assert capsys.readouterr().out
