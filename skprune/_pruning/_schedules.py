"""Pruning schedules: the target sparsity after each pruning step.

A schedule maps the final sparsity ``s_f`` and the number of steps ``n`` to the
targets ``s_1, ..., s_n`` (with ``s_n = s_f``). Between two steps the network is
re-trained with its masks fixed, so a gradual schedule lets the remaining weights
take over the work of the removed ones.
"""

import numpy as np

SCHEDULES = ("oneshot", "linear", "cubic")


def sparsity_schedule(final_sparsity, n_steps, schedule="cubic"):
    """Target sparsity after each pruning step.

    - ``'oneshot'``: a single step straight to the final sparsity,
      ``[s_f]`` (``n_steps`` is ignored).
    - ``'linear'``: ``s_t = s_f * t / n`` for ``t = 1..n``.
    - ``'cubic'`` (Zhu & Gupta 2017, "To prune, or not to prune"):
      ``s_t = s_f * (1 - (1 - t / n) ** 3)`` for ``t = 1..n``; prunes fast while
      many redundant weights remain and slowly near the end.

    Parameters
    ----------
    final_sparsity : float in [0, 1)
        Sparsity reached by the last step.
    n_steps : int >= 1
        Number of pruning steps (ignored for ``'oneshot'``).
    schedule : {'oneshot', 'linear', 'cubic'}
        Shape of the schedule.

    Returns
    -------
    targets : ndarray of shape (n_steps,)
        Non-decreasing targets, the last equal to ``final_sparsity``.

    Examples
    --------
    >>> from skprune._pruning._schedules import sparsity_schedule
    >>> sparsity_schedule(0.9, 3, "linear").round(3).tolist()
    [0.3, 0.6, 0.9]
    >>> sparsity_schedule(0.9, 3, "cubic").round(3).tolist()
    [0.633, 0.867, 0.9]
    """
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}.")
    if not 0.0 <= final_sparsity < 1.0:
        raise ValueError(f"final_sparsity must be in [0, 1), got {final_sparsity!r}.")
    if schedule == "oneshot":
        return np.array([float(final_sparsity)])
    if int(n_steps) < 1:
        raise ValueError(f"n_steps must be >= 1, got {n_steps!r}.")
    frac = np.arange(1, int(n_steps) + 1) / int(n_steps)
    if schedule == "linear":
        targets = final_sparsity * frac
    else:
        targets = final_sparsity * (1.0 - (1.0 - frac) ** 3)
    targets[-1] = final_sparsity  # exact, whatever the rounding
    return targets
