"""Links from the estimators' HTML representation to their API documentation.

scikit-learn (1.3 through 1.9) draws a "?" icon in an estimator's notebook
diagram that links to its documentation, built from three class attributes:
``_doc_link_module`` (the root package whose classes get a link),
``_doc_link_template`` (the URL, formatted with the ``estimator_name`` and
``estimator_module``) and ``_doc_link_url_param_generator``. skprune's
estimators take theirs from here, so the address is set in one place.

:data:`DOCS_URL` is where the built documentation (``docs/``) is published.
It is ``None`` while the project has no published documentation: then the
diagram shows no link (rather than one to a page that does not exist).

>>> import skprune._doc_link as doc_link
>>> from skprune import PrunedMLPClassifier
>>> PrunedMLPClassifier()._get_doc_link() == ("" if doc_link.DOCS_URL is None else
...     doc_link.DOCS_URL + "api.html#skprune.PrunedMLPClassifier")
True
"""

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
