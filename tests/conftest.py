"""Test-session settings shared by every test module.

The tests train small networks on small data, where a multi-threaded BLAS only
adds overhead, and on a shared 2-core machine it can make a fit 10x slower
(seen: a 10-unit fixture took 17 s instead of 1.4 s). One BLAS thread for the
whole session, and for any subprocess a test starts.
"""

import os

from threadpoolctl import threadpool_limits

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

_BLAS_LIMITS = threadpool_limits(limits=1)
