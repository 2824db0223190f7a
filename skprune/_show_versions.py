"""``skprune.show_versions()``: what a bug report needs, in one print.

scikit-learn's habit (``sklearn.show_versions()``), extended by what changes
skprune's numbers between machines of one kind: the CPU model and its vector
extensions (the compiled kernels and OpenBLAS pick their code paths from
them) and the BLAS libraries with the kernel OpenBLAS chose.

Versions are read from the installed distributions' metadata, so nothing is
imported for them (numba in particular stays unloaded).

>>> import skprune
>>> info = skprune._show_versions._system_info()
>>> sorted(info)[:3]
['cpu', 'cpu count', 'cpu vector extensions']
"""

import importlib.metadata
import os
import platform
import sys

import skprune

# core first, then the optional extras (skops, plot, dask, onnx, test)
_DEPENDENCIES = (
    "scikit-learn",
    "numpy",
    "scipy",
    "joblib",
    "numba",
    "llvmlite",
    "threadpoolctl",
    "skops",
    "matplotlib",
    "dask",
    "distributed",
    "skl2onnx",
    "onnxruntime",
    "pandas",
)

_VECTOR_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl")


def _cpu():
    """(model name, vector extensions) from /proc/cpuinfo where there is one."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    model = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
                if model and flags:
                    break
    except OSError:
        pass
    return model, " ".join(f for f in _VECTOR_FLAGS if f in flags) or "unknown"


def _system_info():
    model, vectors = _cpu()
    return {
        "python": sys.version.replace("\n", " "),
        "executable": sys.executable,
        "machine": platform.platform(),
        "cpu": model,
        "cpu vector extensions": vectors,
        "cpu count": str(os.cpu_count()),
    }


def _dependency_info():
    info = {"skprune": f"{skprune.__version__} ({os.path.dirname(skprune.__file__)})"}
    for name in _DEPENDENCIES:
        try:
            info[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            info[name] = None
    return info


def _blas_info():
    import numpy  # noqa: F401  (loads numpy's BLAS)
    import scipy.linalg  # noqa: F401  (and scipy's)
    from threadpoolctl import threadpool_info

    return threadpool_info()


def show_versions():
    """Print the system, the dependency versions and the BLAS libraries in use.

    Paste its output into a bug report: skprune's numbers depend on the CPU
    (the compiled kernels and OpenBLAS choose their code paths from its
    vector extensions) and on the scikit-learn, numpy and numba versions.

    Examples
    --------
    >>> import skprune
    >>> skprune.show_versions()  # doctest: +ELLIPSIS
    <BLANKLINE>
    System:
    ...
    """
    print("\nSystem:")
    for k, v in _system_info().items():
        print(f"{k:>22}: {v}")
    print("\nPython dependencies:")
    for k, v in _dependency_info().items():
        print(f"{k:>22}: {v if v is not None else 'not installed'}")
    print("\nBLAS and OpenMP libraries (threadpoolctl):")
    for lib in _blas_info():
        print()
        for key in ("user_api", "internal_api", "version", "num_threads"):
            print(f"{key:>22}: {lib.get(key)}")
        for key in ("architecture", "threading_layer"):
            if key in lib:
                print(f"{key:>22}: {lib[key]}")
        print(f"{'filepath':>22}: {lib.get('filepath')}")
