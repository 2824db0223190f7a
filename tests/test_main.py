"""``python -m skprune``: the demo runs, says what it is doing, and prints the
side-by-side table."""

import subprocess
import sys
import warnings

from skprune.__main__ import _parser, main


def test_demo_prints_dense_and_pruned_rows(capsys):
    main(["--prune-ratio", "0.8", "--hidden", "16", "--repeats", "2", "--quiet"])
    out = capsys.readouterr().out.splitlines()
    header = out[1].split()
    assert header[:3] == ["model", "accuracy", "sparsity"]
    assert "joblib" in out[1] and "predict" in out[1]
    dense, pruned = out[2].split(), out[3].split()
    assert dense[0] == "dense" and float(dense[3]) == 0.0
    assert pruned[0] == "PrunedMLPClassifier(0.8)" and float(pruned[2]) >= 0.79


def test_demo_reports_progress_and_no_warning(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ConvergenceWarning would fail here
        main(
            [
                "--prune-ratio",
                "0.8",
                "--hidden",
                "16",
                "--repeats",
                "2",
                "--max-iter",
                "5",
            ]
        )
    out = capsys.readouterr().out
    assert "[1/2] training the dense MLPClassifier" in out
    assert "[2/2] training PrunedMLPClassifier" in out
    assert "done in" in out
    # 5 epochs never converge: said once, plainly, as a note after the table
    assert out.count("stopped at --max-iter 5 epochs") == 1


def test_module_entry_point_help():
    result = subprocess.run(
        [sys.executable, "-m", "skprune", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "digits" in result.stdout
    actions = [a for a in _parser()._actions if a.dest != "help"]
    assert {a.dest for a in actions} >= {
        "prune_ratio",
        "hidden",
        "random_state",
        "repeats",
        "max_iter",
        "quiet",
    }
    for action in actions:  # every option explains itself in --help
        assert action.help and len(action.help.split()) >= 4, action.dest
        assert action.option_strings[-1] in result.stdout
