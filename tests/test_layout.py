"""The package layout keeps its promises (CONTRIBUTING.md, "Where to add what").

Small modules, the public estimator modules importing few internal ones,
private scikit-learn state read in the compat module only, no experiment
switches inside the library, and no wing importing a public module.
"""

import ast
from pathlib import Path

import pytest

import skprune

PACKAGE = Path(skprune.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))


def _internal_imports(path):
    """Top-level skprune modules (and wings) that ``path`` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_1100_lines(path):
    assert len(path.read_text().splitlines()) <= 1100


def test_neural_network_imports_at_most_six_internal_modules():
    found = _internal_imports(PACKAGE / "neural_network.py")
    assert len(found) <= 6, sorted(found)


def test_label_binarizer_is_read_in_the_compat_module_only():
    readers = [
        str(p.relative_to(PACKAGE))
        for p in MODULES
        if "_label_binarizer" in p.read_text() and p.name != "_sklearn_compat.py"
    ]
    assert readers == []


@pytest.mark.parametrize(
    "name", ["FINAL_LR_FACTOR", "RETRAIN_EARLY_STOPPING", "GLOBAL_ALLOCATION"]
)
def test_no_experiment_switch_in_the_library(name):
    assert [str(p) for p in MODULES if name in p.read_text()] == []


def test_wings_do_not_import_public_modules():
    public = {
        "neural_network",
        "linear_model",
        "feature_selection",
        "inspection",
        "model_selection",
        "io",
        "onnx",
        "exceptions",
        "criteria",
    }
    for wing in ("_pruning", "_serving", "_files"):
        for path in (PACKAGE / wing).rglob("*.py"):
            text = path.read_text()
            tree = ast.parse(text)
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.level >= 2:
                    top = (node.module or "").split(".")[0]
                    names = {a.name for a in node.names} if not node.module else set()
                    assert not ({top} | names) & public, (path, node.module)
