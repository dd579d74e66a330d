"""Calibrated ensembles draw the estimated parameters jointly from the file's posterior table (rows resampled,
hash checked, numbers only) and every other tunable parameter from its stated prior."""

import hashlib

import numpy as np
import pytest
import xarray as xr

from calibration.params import PARAM_DIR
from calibration.posterior import (
    MissingVariantError,
    file_parameters,
    posterior_draws,
    read_posterior_csv,
    write_posterior_csv,
)
from model.cli.commands import main
from model.directed_growth.factory import directed_growth
from model.directed_growth.priors import FIXED, PRIORS
from model.errors import CalibrationError

#: a synthetic joint posterior: alpha0 and alpha_KV strongly correlated, n_lam against alpha_KV
_COV = np.array([[1.0, 0.8, -0.5], [0.8, 1.0, -0.6], [-0.5, -0.6, 1.0]])
_NAMES = ("alpha0", "alpha_KV", "n_lam")


def _table(n: int = 3000, seed: int = 7) -> np.ndarray:
    z = np.random.default_rng(seed).multivariate_normal(np.zeros(3), _COV, size=n)
    return np.column_stack([0.015 + 0.001 * z[:, 0], 0.6 + 0.08 * z[:, 1], 0.15 + 0.02 * z[:, 2]])


def _files(tmp_path, table: np.ndarray, *, digest: str | None = None, extra: str = ""):
    csv = tmp_path / "usa_posterior.csv"
    body = ",".join(("run",) + _NAMES) + "\n" + "".join(
        f"{i % 4}," + ",".join(repr(float(x)) for x in row) + "\n" for i, row in enumerate(table)) + extra
    csv.write_text(body)
    digest = digest or hashlib.sha256(csv.read_bytes()).hexdigest()
    text = (PARAM_DIR / "usa.toml").read_text().replace(
        "[meta]\n", f'[meta]\nposterior_csv = "usa_posterior.csv"\nposterior_sha256 = "{digest}"\n', 1)
    toml = tmp_path / "usa.toml"
    toml.write_text(text)
    return toml, csv


def test_joint_resampling_keeps_the_posterior_correlations(tmp_path):
    table = _table()
    toml, _ = _files(tmp_path, table)
    draws = posterior_draws(toml, 4000, seed=2)
    got = np.corrcoef(np.column_stack([draws[k] for k in _NAMES]).T)
    assert np.max(np.abs(got - np.corrcoef(table.T))) < 0.05
    # whole rows are resampled: every drawn triple is a row of the table
    rows = {tuple(r) for r in table}
    assert all(tuple(r) in rows for r in draws[list(_NAMES)].to_numpy())
    assert "joint posterior" in draws.attrs["sources"]["alpha_KV"]
    assert "run" not in draws  # bookkeeping columns are not parameters
    # the other estimates still come from [uncertainty]; every prior not estimated is drawn within its range
    assert "psi_L" in draws and "rho_cb" in draws
    for name, (lo, hi, _) in PRIORS.items():
        if name not in file_parameters(toml):
            assert lo <= draws[name].min() and draws[name].max() <= hi, name
    assert not set(FIXED) & set(draws.columns)


def test_a_changed_posterior_table_is_refused_in_one_line(tmp_path):
    toml, _ = _files(tmp_path, _table(50), digest="0" * 64)
    with pytest.raises(CalibrationError, match=r"^\S+usa_posterior\.csv: SHA-256 [0-9a-f]{64} does not match "
                                               r"posterior_sha256 '0{64}'[^\n]*recalibrate$"):
        posterior_draws(toml, 10)


@pytest.mark.parametrize("extra, message", [
    ("0,__import__('os').system('true'),1,2\n", r"line 52 holds a field that is not a number"),
    ("0,1,2\n", "line 52 has 3 fields, the header 4"),
    ("0,nan,0.5,0.1\n", "line 52 holds a value that is not finite"),
])
def test_the_posterior_table_is_parsed_as_numbers_only(tmp_path, extra, message):
    toml, _ = _files(tmp_path, _table(50), extra=extra)
    with pytest.raises(CalibrationError, match=message):
        posterior_draws(toml, 10)


def test_posterior_columns_must_be_parameters_within_their_bounds(tmp_path):
    dg = directed_growth()
    csv = tmp_path / "p.csv"
    csv.write_text("alpha0,not_a_parameter\n0.01,1\n")
    with pytest.raises(CalibrationError, match="'not_a_parameter' are not parameters of the model"):
        read_posterior_csv(csv, parameters=dg.parameters)
    table = _table(50)
    table[3, 1] = 5.0  # alpha_KV's bounds end at 1
    toml, _ = _files(tmp_path, table)
    with pytest.raises(CalibrationError, match=r"draws of alpha_KV span \[.*\], outside its declared bounds"):
        posterior_draws(toml, 10)


def test_names_draw_from_the_stated_prior_not_the_declared_bounds(tmp_path):
    """``--names pi3,u_n`` draws pi3 over its prior [0, 8.19e-5] (bounds [0, 1e-4]) and u_n over [0.75, 0.85]
    (bounds [0.6, 0.85]): 8 Latin-hypercube draws over the bounds would put one in each eighth of them."""
    out = tmp_path / "e.nc"
    assert main(["ensemble", "--defaults", "--names", "pi3,u_n", "--draws", "8", "--t-end", "2030",
                 "--variables", "", "--out", str(out)]) == 0
    ens = xr.load_dataset(out)
    for name in ("pi3", "u_n"):
        lo, hi, _ = PRIORS[name]
        v = ens[name].values
        assert lo <= v.min() and v.max() <= hi and np.ptp(v) > 0.5 * (hi - lo), name


def test_written_posterior_draws_read_back_exactly_with_their_hash(tmp_path):
    table = _table(200)
    csv = tmp_path / "gbr_posterior.csv"
    digest = write_posterior_csv(csv, dict(zip(_NAMES, table.T)))
    assert digest == hashlib.sha256(csv.read_bytes()).hexdigest()
    back = read_posterior_csv(csv, sha256=digest, parameters=directed_growth().parameters)
    assert list(back) == list(_NAMES) and all(np.array_equal(back[k], table[:, j]) for j, k in enumerate(_NAMES))
    with pytest.raises(CalibrationError, match="equal length"):
        write_posterior_csv(csv, {"alpha0": [0.01, 0.02], "n_lam": [0.1]})


def test_the_boysen_hogrefe_variant_draws_its_own_table_and_a_missing_one_is_named(tmp_path, capsys):
    """``variant="boysen_hogrefe"`` resamples the rows of the Boysen-Hogrefe table (``posterior_csv_bh``), not
    the default's; a file without that table is refused in one line naming the variants it has, and so is
    ``dgm ensemble --variant boysen_hogrefe`` on it (before any integration)."""
    toml, _ = _files(tmp_path, _table(200, seed=1))
    with pytest.raises(MissingVariantError, match="no boysen_hogrefe posterior table .*variants in the file: "
                                                  "mazzucato") as raised:
        posterior_draws(toml, 10, variant="boysen_hogrefe")
    assert isinstance(raised.value, CalibrationError)  # what the callers of posterior_draws catch
    assert (raised.value.path, raised.value.variant, raised.value.available) == (str(toml), "boysen_hogrefe",
                                                                                ("mazzucato",))
    assert main(["ensemble", "--params", str(toml), "--variant", "boysen_hogrefe", "--draws", "2",
                 "--out", str(tmp_path / "e.nc")]) == 2
    err = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert len(err) == 1 and "--variant boysen_hogrefe:" in err[0], err
    assert not (tmp_path / "e.nc").exists()
    bh = _table(200, seed=9) + np.array([0.002, -0.1, 0.01])  # a different posterior
    (tmp_path / "usa_posterior_bh.csv").write_text(",".join(_NAMES) + "\n" + "".join(
        ",".join(repr(float(x)) for x in row) + "\n" for row in bh))
    digest = hashlib.sha256((tmp_path / "usa_posterior_bh.csv").read_bytes()).hexdigest()
    toml.write_text(toml.read_text().replace(
        "[meta]\n", f'[meta]\nposterior_csv_bh = "usa_posterior_bh.csv"\nposterior_sha256_bh = "{digest}"\n', 1))
    draws = posterior_draws(toml, 500, seed=3, variant="boysen_hogrefe")
    rows = {tuple(r) for r in bh}
    assert all(tuple(r) in rows for r in draws[list(_NAMES)].to_numpy())
    assert "boysen_hogrefe" in draws.attrs["sources"]["alpha_KV"] and "boysen_hogrefe" in draws.attrs["method"]
    default = posterior_draws(toml, 500, seed=3)
    assert abs(default["alpha_KV"].mean() - 0.6) < 0.02 and abs(draws["alpha_KV"].mean() - 0.5) < 0.02
    with pytest.raises(CalibrationError, match="unknown variant 'bh'; valid: mazzucato, boysen_hogrefe"):
        posterior_draws(toml, 10, variant="bh")


def test_a_named_variant_is_refused_on_a_block_wise_file_and_none_draws_its_blocks():
    """A block-wise calibration (the shipped ``usa.toml``) has no joint table: ``variant=None`` draws its blocks,
    but a named variant, the default's name included, is refused in one line naming what the file has (so
    ``dgm ensemble --variant mazzucato`` on it does not silently draw something else)."""
    from calibration.params import param_file

    path = param_file("usa")
    for variant in ("mazzucato", "boysen_hogrefe"):
        with pytest.raises(MissingVariantError,
                           match=f"has no {variant} posterior table .*variants in the file: none") as raised:
            posterior_draws(path, 5, variant=variant)
        assert (raised.value.variant, raised.value.available) == (variant, ())
    draws = posterior_draws(path, 5)
    assert not any(str(v).startswith("joint posterior") for v in draws.attrs["sources"].values())


def test_a_tampered_boysen_hogrefe_table_is_refused_naming_its_own_hash_key(tmp_path):
    """One digit changed in the shipped Boysen-Hogrefe table: refused in one line naming that table and
    ``[meta] posterior_sha256_bh`` (the key the digest came from), not the Mazzucato table's key."""
    import shutil

    for name in ("usa_joint.toml", "usa_posterior.csv", "usa_posterior_bh.csv"):
        shutil.copy(PARAM_DIR / name, tmp_path / name)
    csv = tmp_path / "usa_posterior_bh.csv"
    lines = csv.read_text().splitlines(keepends=True)
    head, tail = lines[1].split(",", 1)
    lines[1] = head[:-1] + str((int(head[-1]) + 1) % 10) + "," + tail  # last digit of the first draw's first value
    csv.write_text("".join(lines))
    with pytest.raises(CalibrationError, match=r"usa_posterior_bh\.csv: SHA-256 [0-9a-f]{64} does not match "
                                               r"posterior_sha256_bh '[0-9a-f]{64}'") as exc:
        posterior_draws(tmp_path / "usa_joint.toml", 5, variant="boysen_hogrefe")
    assert "\n" not in str(exc.value)
