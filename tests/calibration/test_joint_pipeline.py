"""The two-stage joint calibration (calibration.twostage, calibration.pipeline.calibrate_joint) and its
parameter file (calibration.paramfile.write_joint_params)."""


import numpy as np
import pytest

from calibration.joint import JointPrior, PriorEntry
from calibration.twostage import importance_correct, kish_ess, systematic_resample

#: the toy's full posterior: precision Q and linear term b of -ln pi = x^T Q x / 2 - b^T x (see _toy)
Q = np.array([[4.0 + 0.25, -0.5], [-0.5, 1.0 + 1.0 / 9.0]])
B = np.array([4.0 - 0.75, 1.5])


def _toy(seed=3, n=20000, max_iter=4):
    """Stage 1: theta_1 ~ N(1, 0.5^2), the posterior of a flat prior and L_R(theta_1, theta_2 = 0) when
    ln L_R(theta_1, theta_2) = -(theta_1 - 1)^2 / (2 0.5^2) - theta_2^2 / (2 3^2) (the replay's weak
    information on theta_2); the second term -D/2 = -(theta_2 - theta_1/2 - 1.5)^2 / 2; theta_2 ~ U(-10, 10).
    The full posterior is Gaussian: precision Q = [[4 + 1/4, -1/2], [-1/2, 1 + 1/9]], linear term
    b = (4 - 3/4, 3/2): mean Q^-1 b, covariance Q^-1."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(1.0, 0.5, size=(50000, 1))
    loglik1 = -0.5 * ((x1[:, 0] - 1.0) / 0.5) ** 2
    prior2 = JointPrior((PriorEntry("b", "uniform", -10.0, 10.0),))

    def log_target(X1, X2):
        return (-0.5 * ((X1[:, 0] - 1.0) / 0.5) ** 2 - 0.5 * (X2[:, 0] / 3.0) ** 2
                - 0.5 * (X2[:, 0] - 0.5 * X1[:, 0] - 1.5) ** 2)

    return importance_correct(x1, loglik1, prior2, log_target, n=n, rng=rng, min_ess=5000, max_iter=max_iter,
                              n_out=20000, names1=("a",))


def test_importance_weights_give_the_exact_gaussian_posterior():
    res = _toy()
    mean, cov = res.weighted_mean(), res.weighted_cov()
    exact_cov = np.linalg.inv(Q)
    assert res.kish_ess > 5000
    # Monte Carlo error at a Kish ESS above 5000: sd / sqrt(ESS) < 0.015
    assert mean == pytest.approx(np.linalg.solve(Q, B), abs=0.05)
    assert cov == pytest.approx(exact_cov, abs=0.05)
    # the resampled table carries the same posterior correlation
    rho = exact_cov[0, 1] / np.sqrt(exact_cov[0, 0] * exact_cov[1, 1])
    assert np.corrcoef(res.table.T)[0, 1] == pytest.approx(rho, abs=0.05)
    assert res.names == ("a", "b")


def test_population_monte_carlo_raises_the_kish_ess_above_the_prior_proposal():
    res = _toy(max_iter=3)
    first = res.iterations[0]
    assert first["proposal"] == "prior"
    # the prior proposal on (-10, 10) wastes most draws: its ESS is a small share of n
    assert first["kish_ess"] < 0.3 * first["n"]
    assert res.iterations[-1]["kish_ess"] > 2 * first["kish_ess"]
    assert res.kish_ess == pytest.approx(res.iterations[-1]["kish_ess_pooled"])


def test_kish_ess_of_equal_and_single_weights():
    assert kish_ess(np.zeros(100)) == pytest.approx(100.0)
    assert kish_ess(np.r_[0.0, np.full(99, -np.inf)]) == pytest.approx(1.0)
    # weights 1 and 3: (4)^2 / 10
    assert kish_ess(np.log([1.0, 3.0])) == pytest.approx(1.6)


def test_systematic_resampling_follows_the_weights():
    idx = systematic_resample(np.log([0.25, 0.75]), 1000, np.random.default_rng(0))
    assert np.sum(idx == 1) == 750  # systematic resampling: exact up to one draw


# ------------------------------------------------------------------------------------------------ parameter file
def _fake_calibration(rng):
    """A JointCalibration with synthetic draws over real parameter names (the writer's input, not a model run):
    stage 1 (c_w, alpha0, g_Z), stage 2 (chi, eta_RD); chi and c_w strongly correlated in the table."""
    from calibration.diagnostics import summarise
    from calibration.joint import JointSample
    from calibration.pipeline import JointCalibration
    from calibration.smc import SMCResult, SMCRun

    p1 = JointPrior((PriorEntry("c_w", "uniform", 0.5, 0.9, source="test range", tag="[V sign] test"),
                     PriorEntry("alpha0", "uniform", 0.0, 0.03, source="test", tag="assumption"),
                     PriorEntry("g_Z", "uniform", 0.0, 0.05, source="test", tag="assumption")))
    p2 = JointPrior((PriorEntry("chi", "uniform", -0.5, 1.0, source="prior of chi", tag="assumption"),
                     PriorEntry("eta_RD", "uniform", -0.1, 0.5, source="Pallante", tag="[V]")))
    chains = [np.column_stack([rng.uniform(0.6, 0.7, (50, 24)), rng.uniform(0.01, 0.02, (50, 24)),
                               rng.uniform(0.02, 0.03, (50, 24))]).reshape(50, 24, 3) for _ in range(2)]
    sample = JointSample(p1.names, chains, [np.zeros((50, 24))] * 2, [0.3, 0.3], summarise(chains, p1.names),
                         [1.0, 1.0], 1.0, {"runs": 2})
    n = 300
    cw = rng.uniform(0.6, 0.7, n)  # a start at rest exists (autonomous household consumption positive)
    table = np.column_stack([cw, rng.uniform(0.01, 0.02, n), rng.uniform(0.02, 0.03, n),
                             (cw - 0.6) * 5.0, rng.uniform(0.0, 0.3, n)])
    def result(t):  # two SMC runs of the table's halves, each with a Kish ESS of 61.5 at its last reweighting
        runs = [SMCRun(p1.names + p2.names, t[i::2], np.arange(t[i::2].shape[0]), t[i::2], np.zeros(n // 2), 61.5,
                       [{"beta": 1.0, "kish_ess": 61.5}], 10) for i in (0, 1)]
        return SMCResult.pool(runs, p1.names, p2.names)

    res = {v: result(table if v == "mazzucato" else table[::-1].copy()) for v in ("mazzucato", "boysen_hogrefe")}
    ident = {"parameters": {n_: {"ratio": 0.2} for n_ in p1.names}}
    irf = {v: {"distance": 1.0, "moments": {"y0": {"model": 0.4, "target": 0.4}}, "constraints": {},
               "headline": {"public_investment_Y_y0": 0.4}} for v in res}
    return JointCalibration("USA", (1970, 2019), p1, p2, {"mode": np.array([0.85, 0.015, 0.025]), "sd": None,
                                                          "cost": 1.0}, sample, ident, res, irf, {"n": 0.01},
                            {"stage1": 1.0}, {"runs": 2}, ["test"],
                            held={"rho_cb": (0.2, 0.05, "block-wise: finance: monetary rule (49 obs, R2 0.11)"),
                                  "markup": (1.77, 0.08, "block-wise: labour: price adjustment (50 obs, R2 0.25)")},
                            kept={"psi_L": "weakly identified by 'finance: monetary rule': 0.5 +- 0.57"})


def test_joint_param_file_round_trips_with_its_hashed_tables(tmp_path):
    import hashlib
    import tomllib

    from calibration.paramfile import BH_CSV_KEY, BH_HASH_KEY, write_joint_params
    from calibration.posterior import POSTERIOR_CSV_KEY, POSTERIOR_HASH_KEY, posterior_draws, read_posterior_csv
    from model.errors import CalibrationError

    jc = _fake_calibration(np.random.default_rng(0))
    out = tmp_path / "usa_joint.toml"
    write_joint_params(jc, out, command="test")
    doc = tomllib.loads(out.read_text())
    meta = doc["meta"]
    assert meta[POSTERIOR_CSV_KEY] == "usa_posterior.csv" and meta[BH_CSV_KEY] == "usa_posterior_bh.csv"
    for key, hkey in ((POSTERIOR_CSV_KEY, POSTERIOR_HASH_KEY), (BH_CSV_KEY, BH_HASH_KEY)):
        assert hashlib.sha256((tmp_path / meta[key]).read_bytes()).hexdigest() == meta[hkey]
    table = read_posterior_csv(tmp_path / "usa_posterior.csv", sha256=meta[POSTERIOR_HASH_KEY])
    assert set(table) == {"c_w", "alpha0", "g_Z", "chi", "eta_RD"}
    np.testing.assert_array_equal(table["chi"], jc.stage2["mazzucato"].table[:, 3])
    # [posterior]: the table's median and 90 % interval, the joint diagnostics with PASS/FAIL, stage 1's MCMC ones
    post = doc["posterior"]
    assert post["chi"]["median"] == pytest.approx(np.median(table["chi"]))
    assert post["chi"]["q05"] == pytest.approx(np.quantile(table["chi"], 0.05))
    assert post["chi"]["kish_ess"] == 123.0 and post["chi"]["stage"] == 2  # 2 runs x 61.5
    # 300 particles, each its own ancestor: ESS 300 per parameter; the Kish ESS (123) fails the 400 threshold
    assert post["chi"]["ess"] == pytest.approx(300.0) and post["chi"]["verdict"] == "FAIL"
    assert {"ess", "ess_runs", "rhat", "verdict", "stage1_ess", "stage1_rhat_runs", "stage1_rhat_within",
            "stage1_rhat_walkers"} <= set(post["c_w"])
    assert doc["stage2"]["mazzucato"]["kish_ess"] == 123.0 and doc["stage2"]["mazzucato"]["runs"] == 2
    # [prior.NAME]: range, source, tag
    assert doc["prior"]["eta_RD"] == {"dist": "uniform", "range": [-0.1, 0.5], "source": "Pallante", "tag": "[V]"}
    assert "g_Z" not in doc["parameters"]  # the projection derives it
    # a block estimate the posterior held fixed: its value and standard error; a weak one: the reason its default
    # is kept (drawn from its stated prior)
    assert doc["parameters"]["rho_cb"] == 0.2 and doc["uncertainty"]["rho_cb"]["se"] == 0.05
    # the held mark-up is the historical runs' only: the projection derives it from its inflation datum
    assert "markup" not in doc["parameters"] and "markup" not in doc["uncertainty"]
    assert doc["replay_only"]["markup"]["value"] == 1.77 and doc["replay_only"]["markup"]["se"] == 0.08
    assert doc["kept_default"] == {"psi_L": "weakly identified by 'finance: monetary rule': 0.5 +- 0.57"}
    # an ensemble draws the rows jointly: every drawn (c_w, chi) pair is a row of the table
    df = posterior_draws(out, 500, seed=1, structural=False, kept_defaults=False)
    rows = {(round(a, 12), round(b, 12)) for a, b in zip(table["c_w"], table["chi"])}
    assert all((round(a, 12), round(b, 12)) in rows for a, b in zip(df["c_w"], df["chi"]))
    assert np.corrcoef(df["c_w"], df["chi"])[0, 1] > 0.99
    # the held estimate drawn from its standard error (a normal of mean 0.2, sd 0.05 truncated at its bounds
    # [0.01, 10], which cut 7e-5 of it): mean within 5 standard errors of the mean, sd within 10%
    assert abs(df["rho_cb"].mean() - 0.2) < 5 * 0.05 / np.sqrt(500) and abs(df["rho_cb"].std() / 0.05 - 1) < 0.1
    # nothing overwritten without force; a changed table no longer matches its hash
    before = out.read_bytes()
    with pytest.raises(CalibrationError, match="already exist"):
        write_joint_params(jc, out)
    assert out.read_bytes() == before
    (tmp_path / "usa_posterior.csv").write_text("c_w,chi\n0.85,0.1\n")
    with pytest.raises(CalibrationError, match="does not match"):
        posterior_draws(out, 10)


def test_a_long_posterior_table_is_written_thinned_to_every_kth_state(tmp_path, monkeypatch):
    """A table longer than POSTERIOR_ROWS is written thinned by k = ceil(rows / POSTERIOR_ROWS): 300 rows (two runs
    of one sweep over 150 particles) with a limit of 70 -> k = 5, 60 rows, 30 of each run (the second run's
    selection staggered by one row); the [posterior] summary still comes from all 300."""
    import tomllib

    from calibration import paramfile
    from calibration.posterior import read_posterior_csv

    monkeypatch.setattr(paramfile, "POSTERIOR_ROWS", 70)
    jc = _fake_calibration(np.random.default_rng(1))
    out = tmp_path / "usa_joint.toml"
    paramfile.write_joint_params(jc, out, command="test")
    table = read_posterior_csv(tmp_path / "usa_posterior.csv")
    full = jc.stage2["mazzucato"].table
    assert len(table["chi"]) == 60
    np.testing.assert_array_equal(table["chi"], np.concatenate([full[0:150:5, 3], full[154:300:5, 3]]))
    doc = tomllib.loads(out.read_text())
    assert doc["posterior"]["chi"]["median"] == pytest.approx(np.median(full[:, 3]))
    assert any("every 5th state" in n and "300 rows" in n for n in doc["meta"]["notes"])


@pytest.mark.parametrize("runs, sweeps, particles, limit, k", [(2, 4, 10, 20, 4), (2, 3, 10, 20, 3),
                                                               (8, 10, 320, 6400, 4)])
def test_thinning_keeps_every_particle_of_every_run(runs, sweeps, particles, limit, k, monkeypatch):
    """A pooled SMC table is run by run, each run its kept sweeps one after another over the same particles (the
    shipped tables: 8 runs x 10 sweeps x 320 particles, k = 4). Thinned, every particle of every run is kept at
    sweeps / k of its states (to within one), each run keeps an equal share, and the table holds at most the limit;
    every k-th row would keep one particle in k (320 particles, k = 4: 80 of 320)."""
    from calibration import paramfile

    monkeypatch.setattr(paramfile, "POSTERIOR_ROWS", limit)
    run, sweep, particle = (a.ravel() for a in np.meshgrid(np.arange(runs), np.arange(sweeps), np.arange(particles),
                                                           indexing="ij"))
    table = {"run": run, "particle": particle}
    thinned, got_k = paramfile._thinned(table, particles)
    assert got_k == k and len(thinned["run"]) <= limit
    kept = np.zeros((runs, particles), int)
    np.add.at(kept, (thinned["run"], thinned["particle"]), 1)
    assert kept.min() >= sweeps // k and kept.max() <= -(-sweeps // k)
    assert len(set(np.bincount(thinned["run"]))) == 1


def test_stage_two_start_particles_are_drawn_from_the_truncated_reference():
    """Stage 2's start pairs (a stage-1 draw, a stage-2 prior draw) outside the truncation are replaced by fresh
    pairs: the kept pairs are rejection draws of stage 1 x prior truncated (here a + b < 0: with a ~ U(-1, 1) and
    b ~ U(-1, 1), P(a + b < 0 | a) = (1 - a) / 2, so the kept a have density (1 - a) / 2 on [-1, 1], mean -1/3)."""
    from calibration.pipeline import _start_particles

    rng = np.random.default_rng(2)
    x1 = rng.uniform(-1, 1, size=(40000, 1))
    prior1 = JointPrior((PriorEntry("a", "uniform", -1.0, 1.0),))
    prior2 = JointPrior((PriorEntry("b", "uniform", -1.0, 1.0),))

    def region(X, names):
        assert tuple(names) == ("a", "b")
        return X[:, 0] + X[:, 1] < 0

    X, tried = _start_particles(x1, 20000, prior1, prior2, region, rng)
    assert X.shape == (20000, 2) and region(X, ("a", "b")).all()
    assert 20000 / tried == pytest.approx(0.5, abs=0.02)
    assert X[:, 0].mean() == pytest.approx(-1 / 3, abs=0.02)  # not 0: the pair is rejected, not b alone
    X0, n0 = _start_particles(x1, 100, prior1, prior2, None, np.random.default_rng(2))
    assert n0 == 100 and not region(X0, ("a", "b")).all()


@pytest.mark.parametrize("country, held_names, kept_name", [("USA", {"rho_cb", "eta_p", "markup"}, "psi_L"),
                                                             ("GBR", {"n_lam"}, "rho_cb")])
def test_the_joint_calibration_holds_the_block_estimates_it_does_not_sample(country, held_names, kept_name):
    """Over the joint window (US 1970-2019, UK 1988-2019) the monetary rule identifies the US rho_cb and the price
    block eta_p (se at most half the estimate: held, and recorded with its se) but not psi_L (kept at its default:
    drawn from its prior); the UK labour-supply block identifies n_lam but neither its monetary rule rho_cb nor its
    price block eta_p, and so not the mark-up estimated with it. None of them is sampled; the projection that
    truncates the prior runs at the held values, except the mark-up, which it derives from its inflation datum."""
    from calibration.pipeline import JOINT_WINDOW, MAX_REL_SE, REPLAY_ONLY, held_estimates
    from calibration.truncation import ProjectionStart
    from calibration.twostage import STAGE1, STAGE2

    start, end = JOINT_WINDOW[country]
    held, kept = held_estimates(country, start, end, None, STAGE1 + STAGE2)
    assert set(held) == held_names
    for value, se, how in held.values():
        assert 0 < se <= MAX_REL_SE * value and f"{start}-{end}" in how and "held fixed" in how
    assert "weakly identified" in kept[kept_name] and f"({start}-{end})" in kept[kept_name]
    assert not (set(held) | set(kept)) & set(STAGE1 + STAGE2)
    values = {k: v[0] for k, v in held.items()}
    region = ProjectionStart(country, values)
    projected = {k: v for k, v in values.items() if k not in REPLAY_ONLY}
    assert all(region.system[k].default == v for k, v in projected.items())
    assert region.__reduce__() == (ProjectionStart, (country, projected))  # a spawn worker rebuilds it
    if country == "GBR":
        # the mark-up, not identified either, is not named: the projection derives it (ensembles never draw it)
        assert "eta_p" in kept and "markup" not in kept
    else:  # the mark-up is the replay's; the projection's comes from the 2025 inflation datum
        assert region.system["markup"].default != values["markup"]
