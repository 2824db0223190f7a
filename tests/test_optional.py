"""Install hints name packages that exist, and the extras pyproject declares."""

import importlib.metadata
import re

import pytest

from skprune._optional import EXTRAS, install_hint, missing


def _declared_extras():
    meta = importlib.metadata.metadata("skprune")
    declared = {}
    for req in meta.get_all("Requires-Dist") or []:
        m = re.match(r"([A-Za-z0-9_.\-\[\]]+).*extra == \"(\w+)\"", req)
        if m:
            name = re.split(r"[<>=!~ ;]", m.group(1))[0]
            declared.setdefault(m.group(2), set()).add(name.lower())
    return declared


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_hint_installs_what_the_extra_declares(extra):
    declared = _declared_extras()
    assert extra in declared, f"pyproject declares no extra {extra!r}"
    assert {p.lower() for p in EXTRAS[extra]} == declared[extra]


def test_hint_never_names_the_unpublished_distribution():
    for extra in EXTRAS:
        hint = install_hint(extra)
        assert "skprune[" not in hint and f'".[{extra}]"' in hint
    err = missing("skprune.onnx", "onnx")
    assert isinstance(err, ImportError)
    assert "pip install skl2onnx onnxruntime" in str(err)
