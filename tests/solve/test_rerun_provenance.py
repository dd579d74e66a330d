"""rerun() of a result whose provenance is damaged or hostile: a one-line ModelError naming
the field, never a KeyError/TypeError/AttributeError/IndexError traceback."""

import json

import pytest

from model import ModelError, simulate
from model.library import keen
from model.solve.results import rerun


@pytest.fixture(scope="module")
def result():
    return simulate(keen(), t_span=(0, 2))


def _with(ds, mutate):
    prov = json.loads(ds.attrs["provenance"])
    mutate(prov)
    out = ds.copy()
    out.attrs = {**ds.attrs, "provenance": json.dumps(prov)}
    return out


@pytest.mark.parametrize("mutate, message", [
    (lambda p: p.pop("equations_hash"), "no valid 'equations_hash'"),
    (lambda p: p.pop("parameters"), "no valid 'parameters'"),
    (lambda p: p.__setitem__("parameters", [1, 2]), "no valid 'parameters'"),
    (lambda p: p.pop("initial"), "no valid 'initial'"),
    (lambda p: p.pop("options"), "no valid 'options'"),
    (lambda p: p.__setitem__("options", [1]), "no valid 'options'"),
    (lambda p: p["options"].pop("t_span"), "no solver option 't_span'"),
    (lambda p: p["options"].__setitem__("t_span", 5), "t_span is not a pair"),
    (lambda p: p["options"].__setitem__("rtol", "x"), "'rtol' is not a number"),
    (lambda p: p["parameters"].__setitem__("nosuch", "draw"), "'nosuch' was drawn, but the dataset holds no"),
    (lambda p: p.__setitem__("policies", []), "empty list of policies"),
])
def test_damaged_provenance_gives_a_clear_error(result, mutate, message):
    with pytest.raises(ModelError, match=message):
        rerun(_with(result, mutate))


def test_intact_provenance_still_reruns(result):
    again = rerun(result)
    assert float(abs(again["omega"] - result["omega"]).max()) == 0.0
