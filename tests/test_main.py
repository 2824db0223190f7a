"""``python -m skprune``: the demo runs and prints the side-by-side table."""

import subprocess
import sys

from skprune.__main__ import main


def test_demo_prints_dense_and_pruned_rows(capsys):
    main(["--prune-ratio", "0.8", "--hidden", "16", "--repeats", "2"])
    out = capsys.readouterr().out.splitlines()
    header = out[1].split()
    assert header[:3] == ["model", "accuracy", "sparsity"]
    assert "joblib" in out[1] and "predict" in out[1]
    dense, pruned = out[2].split(), out[3].split()
    assert dense[0] == "dense" and float(dense[3]) == 0.0
    assert pruned[0] == "PrunedMLPClassifier(0.8)" and float(pruned[2]) >= 0.79


def test_module_entry_point_help():
    result = subprocess.run([sys.executable, "-m", "skprune", "--help"],
                            capture_output=True, text=True, check=True)
    assert "digits" in result.stdout
