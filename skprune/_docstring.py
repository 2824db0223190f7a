"""Documentation helpers: one docstring mechanism, and links to the API page.

**Shared docstring parts.** :class:`Substitution` (imbalanced-learn's
decorator, with named placeholders) fills ``{NAME}`` placeholders of a
docstring with shared fragments: the criteria lists from the registries,
the recipe's numbers from :class:`skprune._pruning.Recipe`, parameter blocks
two estimators share. :func:`substitute` does the same for a fragment that
itself has placeholders. Each number is so written once, where it is
computed.

>>> @Substitution(WHAT="the answer", N="42")
... class Example:
...     "{WHAT} is {N}; a literal {'set'} is left alone."
>>> Example.__doc__
"the answer is 42; a literal {'set'} is left alone."

**Links from the estimators' HTML representation to their API documentation.**
scikit-learn (1.3 through 1.9) draws a "?" icon in an estimator's notebook
diagram that links to its documentation, built from three class attributes:
``_doc_link_module`` (the root package whose classes get a link),
``_doc_link_template`` (the URL, formatted with the ``estimator_name`` and
``estimator_module``) and ``_doc_link_url_param_generator``. skprune's
estimators take theirs from here, so the address is set in one place.

:data:`DOCS_URL` is where the built documentation (``docs/``) is published.
It is ``None`` while the project has no published documentation: then the
diagram shows no link (rather than one to a page that does not exist).

>>> import skprune._docstring as doc_link
>>> from skprune import PrunedMLPClassifier
>>> PrunedMLPClassifier()._get_doc_link() == ("" if doc_link.DOCS_URL is None else
...     doc_link.DOCS_URL + "api.html#skprune.PrunedMLPClassifier")
True
"""

import re

#: a placeholder: braces around an upper-case name
_PLACEHOLDER = re.compile(r"\{[A-Z][A-Z0-9_]*\}")


def substitute(text, **fragments):
    """``text`` with every ``{NAME}`` of ``fragments`` replaced by its value.

    Raises a ValueError when a fragment has no placeholder in ``text`` (a
    typo would otherwise go unnoticed). Other braces (numpydoc's
    ``{'a', 'b'}``) are left as they are.
    """
    for name, value in fragments.items():
        key = "{" + name + "}"
        if key not in text:
            raise ValueError(f"no placeholder {key} to substitute")
        text = text.replace(key, value)
    return text


class Substitution:
    """Decorator: fill the ``{NAME}`` placeholders of a class's or function's
    docstring (:func:`substitute`); none may be left unfilled."""

    def __init__(self, **fragments):
        self.fragments = fragments

    def __call__(self, obj):
        doc = substitute(obj.__doc__, **self.fragments)
        left = _PLACEHOLDER.findall(doc)
        if left:
            raise ValueError(f"{obj.__name__}'s docstring leaves {left} unfilled")
        obj.__doc__ = doc
        return obj


#: Base URL of the published documentation (ending in ``/``), or ``None``.
DOCS_URL = None

MODULE = "skprune"


def _template(estimator):
    """``_doc_link_template`` of every skprune estimator: its entry on the API page."""
    if DOCS_URL is None:
        return ""
    return DOCS_URL + "api.html#skprune.{estimator_name}"


#: Assign as ``_doc_link_template = TEMPLATE`` in an estimator class.
TEMPLATE = property(_template)


#: the ``cv`` parameter of the sparse SGD estimators (how pruning steps are
#: judged), written once for both
CV_DOC = """cv : 'auto' or int >= 1, default='auto'
        How pruning steps are judged (``prune_ratio='auto'``, or
        ``max_score_drop``): ``k >= 2``, ``k``-fold cross-validation on all
        of ``X`` (each support fitted from scratch per fold; the rule compares
        the out-of-fold losses of every row, paired); ``1``, one held-out
        split of ``validation_fraction``; 'auto', 5 folds when that split
        would hold fewer than 200 rows (a few dozen rows cannot tell a large
        drop from noise), else 1 (:func:`skprune._pruning.n_folds`)."""
