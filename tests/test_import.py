"""``import skprune`` is cheap: numba is imported at the first predict only.

numba (and llvmlite) take most of a cold import; the compiled kernels are
needed only when a pruned network serves ``predict``. The serving wing keeps
its constants in a numba-free module and imports its kernels inside the
function that first runs them (``skprune._serving._compressed._compiled``).
"""

import subprocess
import sys

import pytest

PUBLIC_MODULES = (
    "skprune",
    "skprune.neural_network",
    "skprune.linear_model",
    "skprune.feature_selection",
    "skprune.inspection",
    "skprune.model_selection",
    "skprune.io",
    "skprune.onnx",
    "skprune.exceptions",
    "skprune.criteria",
)


def _imports_numba(code):
    out = subprocess.run(
        [sys.executable, "-c", code + "; print('numba' in sys.modules)"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1] == "True"


def test_import_skprune_does_not_import_numba():
    assert not _imports_numba("import skprune, sys")


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_no_public_module_imports_numba(module):
    assert not _imports_numba(f"import sys, {module}")


def test_every_public_module_together_does_not_import_numba():
    assert not _imports_numba(f"import sys, {', '.join(PUBLIC_MODULES)}")
