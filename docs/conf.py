"""Sphinx configuration: numpydoc API pages and a sphinx-gallery of examples."""

from threadpoolctl import threadpool_limits

import skprune

project = "skprune"
copyright = "2026, the skprune developers"
release = version = skprune.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
numpydoc_show_class_members = False
# one page per public class (docs/_templates/class.rst): every method, the
# ones inherited from scikit-learn (predict, predict_proba, score, ...) too
autosummary_generate = True
templates_path = ["_templates"]
exclude_patterns = ["_build", "_inventories", "_templates"]
html_theme = "pydata_sphinx_theme"
# Links to scikit-learn, NumPy and SciPy. The docs build without network (CI
# has none; a failed download would be a warning, fatal under -W), so each
# project's inventory is read from the file committed in _inventories/
# (regenerate or fetch them with _inventories/make_inventories.py).
intersphinx_mapping = {
    "sklearn": ("https://scikit-learn.org/stable/", "_inventories/sklearn.inv"),
    "numpy": ("https://numpy.org/doc/stable/", "_inventories/numpy.inv"),
    "scipy": ("https://docs.scipy.org/doc/scipy/", "_inventories/scipy.inv"),
}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
}

# sphinx-gallery runs the examples in this process. One BLAS thread keeps the
# build time predictable on small shared CI machines, where OpenBLAS' spinning
# threads made single examples up to 10x slower (the examples' own n_jobs=2
# still runs two worker processes).
threadpool_limits(limits=1)
