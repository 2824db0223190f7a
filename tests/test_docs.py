"""The docs link to sklearn/numpy/scipy through the committed intersphinx
inventories (the build has no network): every such reference must be in them."""

import importlib.util
import zlib
from pathlib import Path

INVENTORIES = Path(__file__).parents[1] / "docs" / "_inventories"


def _script():
    spec = importlib.util.spec_from_file_location(
        "make_inventories", INVENTORIES / "make_inventories.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _names(key):
    data = (INVENTORIES / f"{key}.inv").read_bytes()
    header, _, body = data.partition(b"zlib.\n")
    assert header.startswith(b"# Sphinx inventory version 2")
    return {
        line.split(" ", 1)[0] for line in zlib.decompress(body).decode().splitlines()
    }


def test_every_reference_is_in_a_committed_inventory():
    script = _script()
    missing = [
        name
        for name in script.referenced_names()
        if name not in _names(name.split(".")[0])
    ]
    assert not missing, (
        f"{missing}: run python docs/_inventories/make_inventories.py "
        "(or --fetch) and commit docs/_inventories/*.inv"
    )


def test_references_exist_in_the_installed_packages():
    script = _script()
    for name in script.referenced_names():
        assert script.resolve(name) is not None, name
