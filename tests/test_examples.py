"""The gallery examples run once in CI: in the docs build (``.ci/run`` runs
``sphinx-build -W``, and sphinx-gallery executes every example it picks up, so
a failing example fails CI). Here only what makes that true is checked: every
example is picked up by the gallery's ``filename_pattern`` and lives in its
``examples_dirs``, so none can escape the build."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def _gallery_conf():
    tree = ast.parse((ROOT / "docs" / "conf.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "sphinx_gallery_conf" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError("docs/conf.py defines no sphinx_gallery_conf")


def test_examples_exist():
    assert EXAMPLES


def test_the_docs_build_runs_every_example():
    conf = _gallery_conf()
    assert (ROOT / "docs" / conf["examples_dirs"]).resolve() == (ROOT / "examples")
    assert conf.get("plot_gallery", True) not in (False, "False", 0)
    pattern = re.compile(conf.get("filename_pattern", r"/plot"))
    for path in EXAMPLES:
        assert pattern.search("/" + path.name), f"{path.name} would not be executed"


def test_ci_builds_the_docs_with_warnings_as_errors():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "sphinx-build -W" in ci
