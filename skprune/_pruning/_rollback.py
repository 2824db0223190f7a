"""Failed fits leave no trace: run a fitting method, restore state on error."""

import copy


def with_rollback(estimator, method, *args, deep=True, **kwargs):
    """Run ``method(*args, **kwargs)``; if it raises, restore ``estimator``.

    Every attribute that is not a constructor parameter (the fitted state) is
    put back as it was before the call, and attributes the call added are
    removed, so a failed ``fit``/``partial_fit`` leaves the previous model (or
    none) behind. ``deep=False`` keeps references instead of copies: enough when
    fitting only ever replaces attributes and never writes into their arrays.
    """
    params = estimator.get_params(deep=False)
    saved = {k: v for k, v in vars(estimator).items() if k not in params}
    if deep:
        saved = copy.deepcopy(saved)
    try:
        return method(*args, **kwargs)
    except BaseException:
        for key in [k for k in vars(estimator) if k not in params]:
            delattr(estimator, key)
        estimator.__dict__.update(saved)
        raise
