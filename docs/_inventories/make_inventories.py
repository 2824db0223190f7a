"""Write the intersphinx inventories in this folder (sklearn, numpy, scipy).

The docs are built without network (CI has none), so ``docs/conf.py`` points
intersphinx at the inventory files committed here instead of the projects'
sites (a failed download would be a Sphinx warning, and ``-W`` fails on it).

Two ways to make them:

``python docs/_inventories/make_inventories.py --fetch``
    Download the projects' real ``objects.inv`` (needs network). Preferred.

``python docs/_inventories/make_inventories.py``
    Offline: collect every ``:class:``/``:func:``/``:meth:``/``:mod:``/``:exc:``
    reference to ``sklearn.*``, ``numpy.*`` or ``scipy.*`` in ``docs/``,
    ``skprune/`` and ``examples/`` (plus a few names numpydoc types often
    mention), check that each one exists in the installed package, and write an
    inventory with the address each project's documentation uses for it (e.g.
    ``https://scikit-learn.org/stable/modules/generated/<name>.html#<name>``).

Run it again after adding a reference to a new sklearn/numpy/scipy object.
"""

import argparse
import importlib
import inspect
import re
import urllib.request
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

PROJECTS = {
    # key: (package, project name, base URL, URL pattern per kind)
    "sklearn": ("sklearn", "scikit-learn", "https://scikit-learn.org/stable/"),
    "numpy": ("numpy", "NumPy", "https://numpy.org/doc/stable/"),
    "scipy": ("scipy", "SciPy", "https://docs.scipy.org/doc/scipy/"),
}
EXTRA = [
    "numpy.ndarray",
    "numpy.memmap",
    "scipy.sparse.csr_matrix",
    "scipy.sparse.csr_array",
    "sklearn.pipeline.Pipeline",
    "sklearn.model_selection.GridSearchCV",
]
# Labels and glossary terms that scikit-learn's own docstrings refer to, and
# that our API pages show through inherited methods (score, set_output,
# set_*_request, get_metadata_routing): (name, role, page, title).
SKLEARN_STD = [
    (
        "metadata_routing",
        "label",
        "metadata_routing.html#metadata-routing",
        "Metadata Routing",
    ),
    (
        "accuracy_score",
        "label",
        "modules/model_evaluation.html#accuracy-score",
        "Accuracy score",
    ),
    (
        "r2_score",
        "label",
        "modules/model_evaluation.html#r2-score",
        "R\u00b2 score, the coefficient of determination",
    ),
    (
        "df_output_transform",
        "label",
        "developers/develop.html#developer-api-for-set-output",
        "Developer API for set_output",
    ),
    (
        "sphx_glr_auto_examples_miscellaneous_plot_set_output.py",
        "label",
        "auto_examples/miscellaneous/plot_set_output.html",
        "Introducing the set_output API",
    ),
    ("meta-estimator", "term", "glossary.html#term-meta-estimator", "meta-estimator"),
]
ROLE = re.compile(
    r":(?:py:)?(class|func|meth|mod|exc|attr|data|obj):`~?((?:sklearn|numpy|scipy)"
    r"\.[\w.]+)`"
)


def referenced_names():
    names = set(EXTRA)
    for folder, pattern in (
        ("docs", "**/*.rst"),
        ("skprune", "**/*.py"),
        ("examples", "*.py"),
    ):
        for path in (ROOT / folder).glob(pattern):
            if "_build" in path.parts or "auto_examples" in path.parts:
                continue
            names.update(m.group(2) for m in ROLE.finditer(path.read_text()))
    return sorted(names)


def resolve(name):
    """(role, object) of a dotted name in the installed package, or None."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                parent, obj = obj, getattr(obj, attr)
        except AttributeError:
            return None
        if inspect.ismodule(obj):
            return "module", obj
        if inspect.isclass(obj):
            return ("exception" if issubclass(obj, BaseException) else "class"), obj
        if i < len(parts) - 1 and inspect.isclass(parent):
            return "method", obj
        if callable(obj):
            return "function", obj
        return "data", obj
    return None


def uri(key, name, role):
    if role == "module":
        return {
            "sklearn": f"api/{name}.html",
            "numpy": f"reference/routines.{name.split('.', 1)[-1]}.html",
            "scipy": f"reference/{name.split('.', 1)[-1]}.html",
        }[key] + f"#module-{name}"
    page = name.rsplit(".", 1)[0] if role == "method" else name
    folder = "modules/generated" if key == "sklearn" else "reference/generated"
    return f"{folder}/{page}.html#{name}"


def write(path, project, version, entries, std=()):
    body = "".join(f"{name} py:{role} 1 {target} -\n" for name, role, target in entries)
    body += "".join(
        f"{name} std:{role} -1 {target} {title}\n" for name, role, target, title in std
    )
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    path.write_bytes(header.encode() + zlib.compress(body.encode()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--fetch",
        action="store_true",
        help="download the real objects.inv files (needs network)",
    )
    args = parser.parse_args(argv)
    if args.fetch:
        for key, (_, _, base) in PROJECTS.items():
            with urllib.request.urlopen(base + "objects.inv", timeout=30) as r:
                (HERE / f"{key}.inv").write_bytes(r.read())
            print(f"downloaded {key}.inv from {base}")
        return
    by_project = {key: [] for key in PROJECTS}
    for name in referenced_names():
        key = name.split(".")[0]
        found = resolve(name)
        if found is None:
            raise SystemExit(f"{name} is referenced but does not exist in {key}")
        role = found[0]
        by_project[key].append((name, role, uri(key, name, role)))
    for key, (package, project, _) in PROJECTS.items():
        version = ".".join(importlib.import_module(package).__version__.split(".")[:2])
        std = SKLEARN_STD if key == "sklearn" else ()
        write(HERE / f"{key}.inv", project, version, by_project[key], std)
        print(f"{key}.inv: {len(by_project[key])} objects ({project} {version})")


if __name__ == "__main__":
    main()
