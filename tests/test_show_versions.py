import subprocess
import sys

import skprune


def test_show_versions_names_what_a_bug_report_needs(capsys):
    skprune.show_versions()
    out = capsys.readouterr().out
    for needle in (
        "System:",
        "cpu vector extensions",
        "scikit-learn",
        "numba",
        "threadpoolctl",
        "internal_api",
    ):
        assert needle in out, needle
    assert skprune.__version__ in out


def test_show_versions_does_not_load_numba():
    code = "import sys, skprune; skprune.show_versions(); print('numba' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    # show_versions reads versions from metadata; whether `import skprune`
    # itself loads numba is tested with the lazy import of the kernels
    import_only = subprocess.run(
        [sys.executable, "-c", "import sys, skprune; print('numba' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip().splitlines()[-1] == import_only.strip()
