"""Optional dependencies: what each extra installs, and how to install it today.

skprune is not on the Python Package Index, so ``pip install "skprune[onnx]"``
resolves to nothing (or to an unrelated project): a hint names the packages
themselves, and the extra for a clone of the repository. The extras' names and
packages are those of ``pyproject.toml`` (a test compares them with the
installed distribution's metadata).

>>> print(install_hint("plot"))  # doctest: +NORMALIZE_WHITESPACE
pip install matplotlib (or, in a clone of the skprune repository:
pip install ".[plot]")
"""

EXTRAS = {
    "skops": ("skops",),
    "plot": ("matplotlib",),
    "dask": ("dask[distributed]",),
    "onnx": ("skl2onnx", "onnxruntime"),
}


def install_hint(extra):
    """The pip line that installs ``extra``'s packages into this environment."""
    packages = " ".join(EXTRAS[extra])
    return (
        f"pip install {packages} "
        f'(or, in a clone of the skprune repository: pip install ".[{extra}]")'
    )


def missing(what, extra):
    """The ImportError raised when ``what`` needs the ``extra`` packages."""
    return ImportError(
        f"{what} needs {', '.join(EXTRAS[extra])}, an optional dependency of "
        f"skprune. Install it with: {install_hint(extra)}"
    )
