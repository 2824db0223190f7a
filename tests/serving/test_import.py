"""``import skprune`` is cheap: numba is imported at the first predict only.

numba (and llvmlite) take most of a cold import; the compiled kernels are
needed only when a pruned network serves ``predict``. The serving wing keeps
its constants in a numba-free module and imports its kernels inside the
function that first runs them (``skprune._serving._compressed._compiled``).
"""

import subprocess
import sys

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


def test_import_skprune_and_every_public_module_leave_numba_out():
    # one fresh interpreter: skprune alone, then every public module (an
    # import only adds modules, so together covers each one)
    code = (
        "import sys, skprune; print('numba' in sys.modules); "
        f"import {', '.join(PUBLIC_MODULES)}; print('numba' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False", "False"]
