"""What a criterion is: a named scoring function, the data it needs, its formula.

A registry maps criterion names to :class:`Criterion` objects, one registry
per estimator family (:data:`skprune.criteria.MLP_CRITERIA`,
:data:`~skprune.criteria.LINEAR_CRITERIA`,
:data:`~skprune.criteria.FEATURE_CRITERIA`). Parameter constraints
(:func:`constraint`), the estimators' docstrings (:func:`describe`) and the
baseline of :class:`skprune.inspection.PruningCurveDisplay`
(:func:`baseline`) are derived from the registry, so a criterion added to a
registry is accepted, documented and plotted without touching the estimator.
"""

import textwrap
from dataclasses import dataclass

BASELINE = "random"
# what a criterion may need besides the model's weights
NEEDS = {
    "X": "the training inputs",
    "Y": "the training targets (encoded as the model's outputs)",
    "std": "the weighted standard deviation of each feature",
    "entropy": "the binned entropy of each feature",
    "random_state": "a random generator",
    "estimator": "a fitted importance source",
}


@dataclass(frozen=True)
class Criterion:
    """One pruning criterion of a family.

    Attributes
    ----------
    name : str
        The value of the estimators' ``prune_criterion`` (or ``criterion``).
    function : callable
        Computes the scores; its signature is the family's (see the family
        module). Low scores are pruned first, except for the transformer's
        feature criteria, where high scores are kept.
    needs : frozenset of str
        Keys of :data:`NEEDS`: the data the estimator must hand over.
    formula : str
        One line in reStructuredText, the formula documented once; the module
        of ``function`` holds the derivation.
    """

    name: str
    function: object
    needs: frozenset
    formula: str


def registry(*criteria):
    """A name -> :class:`Criterion` dict, in the given order."""
    return {c.name: c for c in criteria}


def constraint(criteria, extra=()):
    """The ``_parameter_constraints`` entry accepting the registry's names.

    ``extra``: further accepted values that are not criteria (the MLPs'
    ``'auto'``, resolved by :func:`skprune._pruning._recipe.criterion`).
    """
    from ..._sklearn_compat import StrOptions

    return [StrOptions(set(criteria) | set(extra))]


def describe(criteria, indent=8):
    """The registry as a numpydoc bullet list (for the estimators' docstrings).

    Examples
    --------
    >>> from skprune._pruning.criteria import LINEAR_CRITERIA, describe
    >>> print(describe(LINEAR_CRITERIA, indent=0).splitlines()[0])
    - 'magnitude': ``|w_j| std_j``, so the feature's scale does not decide;
    """
    pad = " " * indent
    return "\n".join(
        textwrap.fill(
            f"- '{c.name}': {c.formula}",
            width=79,
            initial_indent=pad,
            subsequent_indent=pad + "  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        for c in criteria.values()
    )


def baseline(criteria):
    """The registry's baseline criterion ('random'), or None if it has none."""
    return BASELINE if BASELINE in criteria else None
