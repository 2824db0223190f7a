"""Sphinx configuration: numpydoc API pages and a sphinx-gallery of examples."""

import skprune
from threadpoolctl import threadpool_limits

project = "skprune"
copyright = "2026, the skprune developers"
release = version = skprune.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
numpydoc_show_class_members = False
exclude_patterns = ["_build"]
html_theme = "pydata_sphinx_theme"
intersphinx_mapping = {}

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
