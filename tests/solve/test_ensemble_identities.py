"""Ensembles check the accounting identities of every member on every policy path (model.solve.identities).

The toy is the credit economy of ``tests/core/test_accounts.py``: deposits D and loans L are integrated
by two budgets with the same rate (dD/dt = dL/dt = w - a D), so the banks' balance-sheet column
(L - D)/w, the check that carries information, keeps its start value along the whole path: a member
started with deposits D0 above loans L0 = 1 has the closed-form residual |1 - D0| / w at every time, and
every other check is zero to rounding.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import model
from model.analysis.discovery import failure_regions
from model.directed_growth import policies
from model.solve.ensembles import ensemble
from model.solve.identities import identities_line, identity_residuals
from model.solve.plausible import flag_summary
from model.solve.status import Status

from ..core.test_accounts import economy

BANKS = "bs: column 'banks'"
SPAN = (0.0, 10.0)
#: deposits at the start, loans at 1: residuals |1 - D0| / w of 0, 5e-9, 1.5e-8 and 0.1 with w = 1
D0 = np.array([1.0, 1.0 + 5e-9, 1.0 + 1.5e-8, 1.1])
#: the wage bill w [USD/year] of each policy path: the residual is halved on the second
POLICIES = [model.Policy("w1", w=1.0), model.Policy("w2", w=2.0)]


@pytest.fixture(scope="module")
def credit():
    return economy()


def _provenance(ens) -> dict:
    return json.loads(ens.attrs["provenance"])


def test_a_member_that_breaks_an_identity_is_flagged_on_its_path_with_the_reason(credit):
    ens = ensemble(credit, pd.DataFrame({"D": D0}), POLICIES, t_span=SPAN, progress=False)
    status = ens.status.values  # (policy, draw)
    expected = np.array([[0, 0, 1, 1],  # w = 1: 1.5e-8 and 0.1 exceed 1e-8
                         [0, 0, 0, 1]])  # w = 2: 7.5e-9 does not
    np.testing.assert_array_equal(status == Status.IDENTITY_VIOLATED, expected.astype(bool))
    assert (status[expected == 0] == Status.SUCCESS).all()
    assert (ens.t_reached.values == SPAN[1]).all()  # integrated to the end: the path is whole, yet not counted
    text = str(ens.failure.values[0, 3])
    assert text.startswith(f"model 'credit', policy 'w1': accounting identity {BANKS!r} violated beyond 1e-08 at t=0: "
                           "residual 0.1 (largest 0.1)"), text
    assert str(ens.failure.values[1, 3]).startswith("model 'credit', policy 'w2': accounting identity")
    assert "residual 0.05" in str(ens.failure.values[1, 3])
    assert (ens.failure.values[expected == 0] == "").all()
    assert flag_summary(ens) == (f"w1 2 (2 broke an accounting identity: 2 accounting identity {BANKS!r} violated "
                                 f"beyond 1e-08), w2 1 (1 broke an accounting identity: 1 accounting identity "
                                 f"{BANKS!r} violated beyond 1e-08)")
    assert "break an accounting identity" in failure_regions(ens, "w1")["text"]
    assert identities_line(ens) == (f"accounting identities: largest residual 0.1 ({BANKS}, w1, draw 3), tolerance "
                                    "1e-08; 3 members flagged")


def test_the_provenance_holds_the_largest_residual_of_every_identity_and_its_member(credit):
    ens = ensemble(credit, pd.DataFrame({"D": D0}), POLICIES, t_span=SPAN, progress=False, chunk_size=3)
    prov = _provenance(ens)
    res = prov["identity_max_residual"]
    assert set(res) == {n for tb in credit.tables for n in tb.check_names()} == set(credit.identities)
    assert res[BANKS] == pytest.approx(0.1, rel=1e-9)  # member 3 on w1: |1 - 1.1| / 1
    assert prov["identity_worst_member"][BANKS] == {"policy": "w1", "draw": 3}
    assert max(v for k, v in res.items() if k != BANKS) < 1e-12
    assert prov["identity_tol"] == 1e-8
    # the members' own residuals, on the second chunk's draws too (chunks of 3)
    ok = ensemble(credit, pd.DataFrame({"D": D0[:2]}), POLICIES, t_span=SPAN, progress=False, chunk_size=1)
    res_ok = _provenance(ok)["identity_max_residual"]
    assert res_ok[BANKS] == pytest.approx(5e-9, rel=1e-6) and _provenance(ok)["identity_worst_member"][BANKS] == {
        "policy": "w1", "draw": 1}
    assert all(np.isfinite(v) and v < 1e-8 for v in res_ok.values())


def test_a_store_and_a_rerun_record_the_same_residuals_and_flags(credit, tmp_path):
    mem = ensemble(credit, pd.DataFrame({"D": D0}), POLICIES, t_span=SPAN, progress=False)
    st = ensemble(credit, pd.DataFrame({"D": D0}), POLICIES, t_span=SPAN, progress=False, chunk_size=3,
                  store=tmp_path / "store")
    for key in ("identity_max_residual", "identity_worst_member", "identity_tol"):
        assert _provenance(st)[key] == _provenance(mem)[key], key
    assert "identity_worst_members" not in st.attrs  # the chunks' own records are merged, not passed on
    np.testing.assert_array_equal(st.status.values, mem.status.values)
    loose = ensemble(credit, pd.DataFrame({"D": D0}), POLICIES, t_span=SPAN, progress=False, identity_tol=0.2)
    assert (loose.status.values == Status.SUCCESS).all() and _provenance(loose)["identity_tol"] == 0.2
    again = model.rerun(loose, credit)
    assert (again.status.values == Status.SUCCESS).all() and _provenance(again)["identity_tol"] == 0.2


def test_members_are_flagged_exactly_where_a_single_run_warns(credit):
    """The ensemble's check is simulate's: each member on each path, simulated alone with the ensemble's
    tolerances, warns (IdentityWarning) exactly where the ensemble flags it."""
    ens = ensemble(credit, pd.DataFrame({"D": D0}), POLICIES, t_span=SPAN, progress=False)
    for k, pol in enumerate(POLICIES):
        for i, d0 in enumerate(D0):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                model.simulate(credit, policies=pol, initial={"D": d0}, t_span=SPAN, rtol=1e-6, atol=1e-9)
            warned = any(issubclass(w.category, model.IdentityWarning) for w in caught)
            assert warned == (ens.status.values[k, i] == Status.IDENTITY_VIOLATED), (pol.name, d0)


def test_a_member_that_failed_to_integrate_keeps_its_status(credit):
    ens = ensemble(credit, pd.DataFrame({"D": D0}), POLICIES, t_span=SPAN, progress=False, max_steps=1)
    assert (ens.status.values == Status.MAX_STEPS).all()  # the broken members too: the first failure is kept
    assert all("maximum number of steps" in str(f) for f in ens.failure.values.ravel())


def test_residuals_count_up_to_the_time_a_run_reached_and_ignore_nan():
    class Observed:  # a compiled model's observed names: one identity, one other auxiliary
        observed_names = ("identity_x", "y")

    A = np.zeros((3, 3, 2))
    A[:, :, 1] = 1e3  # not an identity
    A[0, :, 0], A[1, :, 0], A[2, :, 0] = [1e-3, -2.0, np.nan], [np.nan] * 3, [-4.0, 0.0, 0.0]
    t = np.array([0.0, 1.0, 2.0])
    r = identity_residuals(Observed(), A)
    assert set(r) == {"x"} and r["x"][0] == 2.0 and np.isnan(r["x"][1]) and r["x"][2] == 4.0
    r = identity_residuals(Observed(), A, t, np.array([0.5, np.inf, -np.inf]))  # reached 0.5; never integrated
    assert r["x"][0] == 1e-3 and np.isnan(r["x"][1]) and np.isnan(r["x"][2])


def test_a_directed_growth_ensemble_records_every_identity_below_tolerance(dg):
    names = ["phi1", "alpha0"]
    draws = pd.DataFrame({k: dg[k].default * np.array([0.9, 1.0, 1.1]) for k in names})
    ens = ensemble(dg, draws, policies.all_paths(), t_span=(2025, 2060), progress=False)
    prov = _provenance(ens)
    res = prov["identity_max_residual"]
    assert set(res) == set(dg.identities) and len(res) > 10
    assert all(np.isfinite(v) and v < prov["identity_tol"] for v in res.values()), res
    assert max(res.values()) < 1e-10  # the Godley tables close to rounding, relative to output
    worst = max(res, key=res.get)
    assert prov["identity_worst_member"][worst]["policy"] in list(ens.policy.values)
    assert prov["identity_worst_member"][worst]["draw"] in range(3)
    assert not (ens.status.values == Status.IDENTITY_VIOLATED).any()


def test_a_flagged_members_outcomes_are_left_out_as_a_failed_members_are(dg):
    """With ``identity_tol=0`` a member fails on any rounding residual (the tables close to about 1e-15, not to
    zero): flagged, its outcomes NaN, its paths whole; at the default every outcome is computed."""
    draws = pd.DataFrame({"phi1": dg["phi1"].default * np.array([0.95, 1.05])})
    pols = [policies.bau(), policies.market_shaping()]
    strict = ensemble(dg, draws, pols, t_span=(2025, 2035), progress=False, identity_tol=0.0)
    flagged = strict.status.values == Status.IDENTITY_VIOLATED
    assert flagged.any()
    assert np.isnan(strict.avg_growth.values[flagged]).all()
    assert np.isfinite(strict.Y.values[flagged]).all()
    default = ensemble(dg, draws, pols, t_span=(2025, 2035), progress=False)
    assert (default.status.values == Status.SUCCESS).all() and np.isfinite(default.avg_growth.values).all()
    np.testing.assert_array_equal(strict.avg_growth.values[~flagged], default.avg_growth.values[~flagged])
