"""Plausible ranges a model declares (ModelMeta.plausible): a run that leaves one integrates to the end and
is flagged (status 8, ``implausible``), warned of when single, left out of an ensemble's outcomes and
counted, in memory and in a store alike."""

import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import model
from model import Outcome, Status
from model.analysis.discovery import failure_regions
from model.errors import ModelError
from model.library import keen
from model.solve.plausible import flag_summary

#: Keen's wage share over 0-60 years, measured: its largest value is 0.995 (kappa2 = 10), 1.012 (14),
#: 1.087 (18) and 1.112 (20); every run integrates to the end
KAPPA2 = [10.0, 14.0, 18.0, 20.0]
LEAVES = np.array([False, False, True, True])  # above 1.05 at some output time
SPAN = (0.0, 60.0)


def _omega_end(ds, ctx):
    return ds["omega"].isel(time=-1)


OMEGA_END = Outcome("omega_end", "wage share at the end", "dimensionless", "higher", "wage share", 1.0, ("omega",),
                    _omega_end)


@pytest.fixture(scope="module")
def capped():
    """Keen with a plausible wage share of at most 1.05 and one outcome, the end's wage share."""
    return keen().with_meta(plausible={"omega": (None, 1.05)}, outcomes=(OMEGA_END,))


def _first_above(path: np.ndarray, bound: float) -> int:
    i = int(np.argmax(path > bound))
    assert path[i] > bound and (i == 0 or path[:i].max() <= bound)
    return i


def test_a_single_run_that_leaves_its_range_integrates_to_the_end_flagged_and_warned(capped):
    with pytest.warns(model.PlausibilityWarning, match=r"model 'keen': omega \(wage share\) above its plausible "
                                                         r"maximum 1.05 at t=\d+: 1\.\d+ \[dimensionless\]") as rec:
        ds = model.simulate(capped, {"kappa2": 20.0}, t_span=SPAN)
    assert int(ds.status) == Status.IMPLAUSIBLE and float(ds.t_reached) == SPAN[1]
    assert np.isfinite(ds.omega.values).all()  # the path is whole: the integration is complete
    i = _first_above(ds.omega.values, 1.05)
    assert f"at t={ds.time.values[i]:g}: {ds.omega.values[i]:.4g} [dimensionless]" in str(rec[0].message)
    assert str(ds.failure.values).startswith("model 'keen': omega (wage share) above its plausible maximum 1.05")
    with warnings.catch_warnings():  # a run that stays within its range: no warning, success
        warnings.simplefilter("error")
        ok = model.simulate(capped, {"kappa2": 10.0}, t_span=SPAN)
    assert int(ok.status) == Status.SUCCESS and str(ok.failure.values) == ""


def test_a_result_file_keeps_the_code_and_its_meaning(capped, tmp_path):
    with pytest.warns(model.PlausibilityWarning):
        ds = model.simulate(capped, {"kappa2": 18.0}, t_span=SPAN)
    ds.to_netcdf(tmp_path / "run.nc")
    back = xr.load_dataset(tmp_path / "run.nc")
    assert Status(int(back.status)) is Status.IMPLAUSIBLE
    meanings = back.status.attrs["flag_meanings"].split()
    assert meanings[list(back.status.attrs["flag_values"]).index(8)] == "implausible"
    assert str(back.failure.values) == str(ds.failure.values)


def test_draws_of_simulate_are_flagged_without_a_warning(capped):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = model.simulate(capped, {"kappa2": np.array(KAPPA2)}, t_span=SPAN)
    np.testing.assert_array_equal(ds.status.values == Status.IMPLAUSIBLE, LEAVES)
    assert (ds.status.values[~LEAVES] == 0).all()


@pytest.mark.parametrize("store", [False, True])
def test_an_ensemble_flags_the_members_leaves_out_their_outcomes_and_counts_them(capped, store, tmp_path):
    draws = pd.DataFrame({"kappa2": KAPPA2})
    pols = [model.Policy("a"), model.Policy("b")]
    ens = model.ensemble(capped, draws, pols, t_span=SPAN, progress=False,
                         store=tmp_path / "s" if store else None, chunk_size=3)
    status = ens.status.values
    assert (status[:, LEAVES] == Status.IMPLAUSIBLE).all() and (status[:, ~LEAVES] == 0).all()
    # flagged where the kept path passes the bound; the path stays whole, the outcome is left out
    np.testing.assert_array_equal(ens.omega.max("time").values > 1.05, np.broadcast_to(LEAVES, status.shape))
    assert np.isfinite(ens.omega.values).all() and (ens.t_reached.values == SPAN[1]).all()
    assert np.isnan(ens.omega_end.values[:, LEAVES]).all()
    np.testing.assert_array_equal(ens.omega_end.values[:, ~LEAVES], ens.omega.values[:, ~LEAVES, -1])
    i = int(np.flatnonzero(LEAVES)[0])
    t = ens.time.values[_first_above(ens.omega.values[0, i], 1.05)]
    assert str(ens.failure.values[0, i]).startswith(
        f"model 'keen', policy 'a': omega (wage share) above its plausible maximum 1.05 at t={t:g}: ")
    assert flag_summary(ens) == ("a 2 (2 left the plausible range: 2 omega (wage share) above its plausible "
                                 "maximum 1.05), b 2 (2 left the plausible range: 2 omega (wage share) above its "
                                 "plausible maximum 1.05)")
    text = failure_regions(ens, "a")["text"]
    assert text.startswith("Under a, 50% of 4 members leave the plausible range (2 omega (wage share) above its "
                           "plausible maximum 1.05)"), text


def test_a_declared_path_is_checked_when_the_ensemble_does_not_keep_it(capped):
    ens = model.ensemble(capped, pd.DataFrame({"kappa2": KAPPA2}), None, t_span=SPAN, variables=("d",),
                         progress=False)
    assert "omega" not in ens and "d" in ens
    np.testing.assert_array_equal(ens.status.values[0] == Status.IMPLAUSIBLE, LEAVES)


def test_an_ensemble_counts_failures_and_implausible_members_apart(capped):
    """kappa2 = 22 leaves the wage share's declared bounds near t = 74 (a failed integration)."""
    draws = pd.DataFrame({"kappa2": [10.0, 20.0, 22.0]})
    ens = model.ensemble(capped, draws, None, t_span=(0.0, 100.0), progress=False)
    assert list(ens.status.values[0]) == [Status.SUCCESS, Status.IMPLAUSIBLE, Status.LEFT_BOUNDS]
    assert flag_summary(ens) == ("default 2 (1 did not integrate to the end; 1 left the plausible range: "
                                 "1 omega (wage share) above its plausible maximum 1.05)")


@pytest.mark.parametrize("plausible, message", [
    ({"kappa2": (0.0, 1.0)}, "plausible range of 'kappa2', which is not a stock, auxiliary or input"),
    ({"nope": (0.0, 1.0)}, "plausible range of 'nope', which is not"),
    ({"omega": (1.0, 0.5)}, "must be (low, high)"),
    ({"omega": (None, None)}, "must be (low, high)"),
    ({"omega": (0.0, float("inf"))}, "must be (low, high)"),
    ({"omegaa": (0.0, 1.0)}, "did you mean 'omega'"),
    ({"omega": (False, True)}, "must be (low, high)"),
    (None, "plausible ranges must be a mapping name -> (low, high), got NoneType"),
])
def test_a_bad_declaration_is_refused_with_one_line(plausible, message):
    with pytest.raises(ModelError, match=message.replace("(", r"\(").replace(")", r"\)")):
        keen().with_meta(plausible=plausible)
