"""numpydoc validation of every public class, method and function."""

import inspect

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

import skdbn  # noqa: E402
from skdbn import datasets  # noqa: E402

# Checks sklearn also leaves out: summary/extended-summary layout details, "See Also"
# and "Examples" on every method, and the return-value name rules of numpydoc.
IGNORED = {
    "GL01",
    "GL02",
    "ES01",
    "SA01",
    "EX01",
    "RT02",
    "PR09",
    "RT05",
    "SS05",
    "GL08",
}


def public_objects():
    for name in skdbn.__all__:
        obj = getattr(skdbn, name)
        if inspect.isclass(obj):
            yield f"skdbn.{name}"
            for method, _ in inspect.getmembers(obj, inspect.isfunction):
                if not method.startswith("_") and method in vars(obj):
                    yield f"skdbn.{name}.{method}"
    for name, obj in inspect.getmembers(datasets, inspect.isfunction):
        if not name.startswith("_") and obj.__module__ == datasets.__name__:
            yield f"skdbn.datasets.{name}"


@pytest.mark.parametrize("name", sorted(public_objects()))
def test_docstring(name):
    result = numpydoc_validate.validate(name)
    errors = [
        (code, message) for code, message in result["errors"] if code not in IGNORED
    ]
    assert not errors, "\n".join(f"{code}: {message}" for code, message in errors)
