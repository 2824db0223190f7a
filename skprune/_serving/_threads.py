"""Threads of a parallel ``predict``: how many, the pool, and BLAS kept at one.

The convention is scikit-learn's for its compiled predict paths: all cores by
default, fewer under ``OMP_NUM_THREADS`` or ``threadpoolctl.threadpool_limits``
(:func:`skprune._sklearn_compat.effective_n_threads`). A network runs in
parallel as Python threads calling the compiled kernel (which releases the
GIL) on disjoint row ranges, each with its own scratch tiles and writing only
its own rows of the output.

Two things keep threads from costing more than they save:

- **a minimum of work** (:data:`PARALLEL_MIN_NS`): a call whose estimated
  kernel time (the cost model of :mod:`._compressed`) is below it runs in the
  calling thread: waking a pool thread and joining it costs tens of
  microseconds;
- **BLAS at one thread** inside the kernel (:func:`single_threaded_blas`): the
  tile kernel's dense layers and an all-dense network's products are BLAS
  calls, which would otherwise start BLAS's own threads from inside every
  worker (oversubscription), and which at 2 BLAS threads cost more CPU time
  for the same result even from one thread.
"""

import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from .._sklearn_compat import effective_n_threads

# estimated kernel time (ns, the cost model's units) below which a call is not
# split over threads (benchmarks/bench_inference.py --threads measures where
# two threads start to win)
PARALLEL_MIN_NS = 150_000

_POOL = None  # (pid, executor): a forked child starts a pool of its own
_POOL_LOCK = threading.Lock()


def n_threads_for(estimated_ns):
    """Threads for a call estimated at ``estimated_ns`` of kernel time: 1 below
    :data:`PARALLEL_MIN_NS`, else :func:`effective_n_threads`."""
    if estimated_ns < PARALLEL_MIN_NS:
        return 1
    return effective_n_threads()


def _pool(n_workers):
    global _POOL
    with _POOL_LOCK:
        pid = os.getpid()
        if _POOL is None or _POOL[0] != pid or _POOL[1]._max_workers < n_workers:
            if _POOL is not None and _POOL[0] == pid:
                _POOL[1].shutdown(wait=False)
            _POOL = (
                pid,
                ThreadPoolExecutor(n_workers, thread_name_prefix="skprune-predict"),
            )
        return _POOL[1]


def run_pieces(pieces, work, n_threads):
    """``work(start, stop)`` for every ``(start, stop)`` of ``pieces``, on up
    to ``n_threads`` threads (the calling one included).

    Threads take the next piece in order. After an error no new piece starts,
    and the error raised is that of the first failing piece in order, as a
    sequential run would raise (every piece before a started one has started,
    and a started piece runs to its end).
    """
    n_workers = min(n_threads, len(pieces))
    if n_workers <= 1:
        for start, stop in pieces:
            work(start, stop)
        return
    counter, errors = itertools.count(), {}

    def worker():
        while not errors:
            i = next(counter)  # atomic: each piece goes to one thread
            if i >= len(pieces):
                return
            try:
                work(*pieces[i])
            except BaseException as exc:  # re-raised below, in order
                errors[i] = exc
                return

    pool = _pool(n_workers - 1)
    futures = [pool.submit(worker) for _ in range(n_workers - 1)]
    try:
        worker()
    finally:
        for future in futures:
            if not future.cancel():  # (a worker still queued has nothing left)
                future.result()
    if errors:
        raise errors[min(errors)]


class _BlasLimit:
    """Process-wide: BLAS libraries at one thread while any call needs it
    (a count of the calls inside, so overlapping calls from several user
    threads restore the settings once, after the last one)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._inside = 0
        self._saved = []
        self._libraries = None

    def _blas(self):
        if self._libraries is None:
            from threadpoolctl import ThreadpoolController

            # after the kernels' import, so numba's BLAS (SciPy's) is loaded
            self._libraries = ThreadpoolController().select(user_api="blas")
        return self._libraries.lib_controllers

    def __enter__(self):
        with self._lock:
            if self._inside == 0:
                self._saved = []
                for lib in self._blas():
                    n = lib.get_num_threads()
                    if n is not None and n > 1:
                        lib.set_num_threads(1)
                        self._saved.append((lib, n))
            self._inside += 1
        return self

    def __exit__(self, *exc):
        with self._lock:
            self._inside -= 1
            if self._inside == 0:
                for lib, n in self._saved:
                    lib.set_num_threads(n)
                self._saved = []


_BLAS_LIMIT = _BlasLimit()


def single_threaded_blas():
    """Context: every loaded BLAS at one thread inside it (see the module
    docstring); costs a few microseconds, unlike creating a
    ``threadpool_limits`` (tens, it lists the loaded libraries each time)."""
    return _BLAS_LIMIT
