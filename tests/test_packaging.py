"""The wheel carries every module of the source tree (issue 22).

A hand-written package list once left ``skprune/criteria/`` out of the wheel:
``pip install .`` gave a package whose ``import skprune`` failed, and nothing
running from the clone could see it. This test builds the wheel the way the
README says (``pip wheel . --no-deps``) and compares its file list with the
source tree. CI also installs that wheel in a fresh environment and runs the
suite against the installed copy from outside the clone (``.ci/run``); there
the source tree is absent and this test says so by skipping.
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "skprune"


_BUILD_LEFTOVERS = ("build", "dist", "*.egg-info", "__pycache__", ".venv*")


def _tree_files():
    """The source tree's files, as git sees them (tracked or new, not ignored)."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):  # not a git checkout
        return None
    return [f for f in out if (ROOT / f).is_file()]


def _clean_copy(dest):
    """The tree without build leftovers: a stale ``build/lib`` once hid a
    module missing from the package list, because setuptools reuses it."""
    files = _tree_files()
    if files is None:
        shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(*_BUILD_LEFTOVERS))
        return
    for f in files:
        (dest / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, dest / f)


def _source_files(tree):
    return {
        p.relative_to(tree).as_posix()
        for p in (tree / "skprune").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.mark.skipif(
    not (SOURCE / "__init__.py").exists(),
    reason="no source tree next to the tests (the installed-copy run in CI)",
)
def test_wheel_holds_every_source_file(tmp_path):
    tree = tmp_path / "tree"
    _clean_copy(tree)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(tree), "--no-deps", "-q"]
        + ["-w", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = tmp_path.glob("skprune-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    in_package = {n for n in names if n.startswith("skprune/")}
    missing = sorted(_source_files(tree) - in_package)
    assert not missing, f"the wheel leaves out {missing}"
    stale = sorted(in_package - _source_files(tree))
    assert not stale, f"the wheel carries files the source does not have: {stale}"
    extra = sorted(
        n for n in names - in_package if not n.split("/", 1)[0].endswith(".dist-info")
    )
    assert not extra, f"the wheel carries files outside the package: {extra}"
    # the modules a user imports are all there (a subpackage without its
    # __init__.py would be a namespace package, importable only by accident)
    packages = {Path(n).parent.as_posix() for n in in_package if n.endswith(".py")}
    assert all(f"{p}/__init__.py" in names for p in packages), sorted(packages)
