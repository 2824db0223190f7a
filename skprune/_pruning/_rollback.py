"""Failed fits leave no trace: run a fitting method, restore state on error."""

import copy


def fit_or_rollback(estimator, method, *args, replaces_only=False, **kwargs):
    """Run a fitting ``method(*args, **kwargs)``; if it raises, restore
    ``estimator``.

    Every ``fit``/``partial_fit`` of skprune goes through here. Every
    attribute that is not a constructor parameter (the fitted state) is put
    back as it was before the call, and attributes the call added are
    removed, so a failed call leaves the previous model (or none) behind,
    never a half-fitted one. ``replaces_only=True`` declares that the method
    only ever *replaces* fitted attributes (never writes into their arrays),
    so references are kept instead of deep copies (the SGD estimators and the
    transformer; the MLPs train their arrays in place).
    """
    params = estimator.get_params(deep=False)
    saved = {k: v for k, v in vars(estimator).items() if k not in params}
    if not replaces_only:
        saved = copy.deepcopy(saved)
    try:
        return method(*args, **kwargs)
    except BaseException:
        for key in [k for k in vars(estimator) if k not in params]:
            delattr(estimator, key)
        estimator.__dict__.update(saved)
        raise
