"""CompiledSystem checks array shapes and layout before handing raw pointers to compiled code."""
import os
import subprocess
import sys

import numpy as np
import pytest

import model
from model.catalogue import MODELS
from model.errors import ModelError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PROBE = """
import numpy as np, model
from model.errors import ModelError
from model.catalogue import MODELS
cs = model.compile(MODELS["keen"]())
y = cs.state_vector()
p = cs.param_vector()
cases = [lambda: cs.sensitivity_rhs(0.0, y, None, list(cs.parameters)),
         lambda: cs.rhs(0, y, np.array([])),
         lambda: cs.observed(0.0, np.ones((4, 1)))]
for call in cases:
    try:
        call()
        print("no error")
    except ModelError as e:
        print("ModelError:", e)
ys = np.zeros(6)
ys[::2] = y
print("strided", repr(list(cs.rhs(0.0, ys[::2], p))), repr(list(cs.rhs(0.0, y.copy(), p))))
"""

EXPECTED = ["ModelError: argument z must have shape (33,), got shape (3,)",
            "ModelError: argument p must have shape (10,), got shape (0,)",
            "ModelError: argument y must have shape (3,) or (1, 3), got shape (4, 1)"]


@pytest.fixture(scope="module")
def keen():
    return model.compile(MODELS["keen"]())


def test_short_sensitivity_state_raises(keen):
    with pytest.raises(ModelError, match=r"argument z must have shape \(33,\), got shape \(3,\)"):
        keen.sensitivity_rhs(0.0, keen.state_vector(), None, list(keen.parameters))


def test_empty_parameter_vector_raises(keen):
    with pytest.raises(ModelError, match=r"argument p must have shape \(10,\), got shape \(0,\)"):
        keen.rhs(0, keen.state_vector(), np.array([]))


def test_observed_wrong_state_shape_raises(keen):
    with pytest.raises(ModelError, match=r"argument y must have shape \(3,\) or \(1, 3\), got shape \(4, 1\)"):
        keen.observed(0.0, np.ones((4, 1)))


def test_strided_state_gives_contiguous_result(keen):
    y, p = keen.state_vector(), keen.param_vector()
    ys = np.zeros(2 * y.size)
    ys[::2] = y
    assert np.array_equal(keen.rhs(0.0, ys[::2], p), keen.rhs(0.0, y.copy(), p))


def test_output_arrays_must_be_c_ordered(keen):
    t = np.linspace(0.0, 1.0, 5)
    Y = np.tile(keen.state_vector(), (5, 1))
    A = np.empty((5, len(keen.observed_names)))
    keen.observe_path(t, Y, keen.param_vector(), None, A)
    assert np.isfinite(A).all()
    with pytest.raises(ModelError, match="argument A must be a writable C-contiguous float64 array"):
        keen.observe_path(t, Y, keen.param_vector(), None, np.asfortranarray(np.empty((5, A.shape[1]))))
    with pytest.raises(ModelError, match=r"argument A must have shape \(5, 4\), got shape \(4, 4\)"):
        keen.observe_path(t, Y, keen.param_vector(), None, np.empty((4, 4)))


def test_input_table_checked(keen):
    with pytest.raises(ModelError, match=r"argument L must have shape \(0, any\), got shape \(2, 8\)"):
        keen.rhs(0.0, keen.state_vector(), None, np.zeros((2, 8)))


@pytest.mark.subprocess
@pytest.mark.parametrize("disable", ["", "1"])
def test_bad_arguments_in_subprocess(disable):
    """No crash (exit code 0) and the same messages compiled and under the Python fallback."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("DGM_DISABLE_NUMBA", None)
    if disable:
        env["DGM_DISABLE_NUMBA"] = disable
    r = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[:3] == EXPECTED
    strided, contiguous = lines[3].split(" ", 1)[1].split("] [")
    assert strided + "]" == "[" + contiguous
