"""Causes of the calibrated ensemble's failures once every stated prior is drawn (issue 14), as tests: productivity
growth before damages does not turn negative (learning is not forgotten); a draw without a start at rest is a failed
member that says why."""

import pandas as pd
import pytest

from calibration.params import param_file
from model.cli.common import calibrated_model
from model.directed_growth.factory import directed_growth, no_start_reasons
from model.errors import ModelError
from model.solve.ensembles import ensemble
from model.solve.status import Status

#: draw 1146 of `dgm ensemble --draws 2000` (seed 0, calibration/params/usa.toml, issue 14): pi3 4.8e-5, S 3.30, damages
#: 20-21% of output by 2100
MEMBER_1146 = {
    "alpha0": 0.01594076107, "alpha_KV": 0.70538976, "g_sigma": 0.02169007901, "n_lam": 0.1761688837, "psi_L":
    1.802470576, "rho_cb": 0.2042015517, "beta_B": 0.09120862479, "gamma_p": 0.4794040322, "phi1": 0.5866141556,
    "psi_i": 0.7808938321, "r0": 0.02446476787, "H_w": 0.8540718729, "S": 3.296019769, "alpha_A": 0.1151837782,
    "alpha_m": 0.485929303, "beta_c": 4.527385168, "c_V": 0.0366712477, "c_app": 0.001764109806, "c_pi":
    0.2107271125, "c_w": 0.5599033467, "chi": 0.2881267495, "d_P": 0.01803495893, "delta": 0.04150870175, "eps_S":
    3.112778346, "eps_cd": 8.682620433, "eta_RD": 0.06642592692, "eta_RDs": 0.1393242213, "eta_p": 0.2963481235,
    "eta_x": 0.01642961757, "f_K": 0.1755933832, "f_P": 0.1418927315, "f_b": 0.04573143762, "g_Q0": 0.156414852,
    "gamma_A": 0.01858018618, "gamma_pi": 3.416953657, "gamma_r": 6.011108105, "gamma_u": 0.05053497918, "h_max":
    0.343630347, "h_pay": 0.3971040147, "k_sup": 4.145118789, "kappa_C": 1.29775469, "kappa_M": 3.405618911,
    "kappa_R": 47.86882428, "lam_F": 0.03401472343, "lam_max": 0.9773251485, "learn_rate": 0.1335685241, "m_M":
    0.006425567471, "p_max": 0.02833596846, "phi2": 5.93590378e-05, "phi_g": 0.08509274598, "pi2": 0.002947857679,
    "pi3": 4.798838418e-05, "psi_B": 0.03113752862, "psi_F": 0.09091678248, "psi_Z": 0.6918712917, "psi_a":
    0.6382112959, "r_ERD": 0.002171082247, "r_elb": -0.03726714322, "r_m": 0.05980111035, "r_max": 0.07146248647,
    "rho_H": 0.1166983631, "rho_cap": 0.06620676948, "sp_max": 0.1389392117, "tau_B": 2.109322061, "tau_RD":
    1.553563099, "tau_half": 85.15151504, "tau_sup": 2.29946502, "theta_G": 0.02837566072, "u_max": 0.9069366542,
    "u_n": 0.8040354596, "w_min": -0.0322931026, "xi": 0.1727649175, "zeta_G": 0.4771705248}


@pytest.fixture(scope="module")
def usa():
    return calibrated_model(param_file("usa"), None)


def test_a_formerly_failing_high_damage_member_learns_no_regress_and_stays_plausible(usa):
    """Draw 1146 left the plausible range on every path (public debt 5.0-5.4 x output) as damages reached 20% of
    output: Kaldor-Verdoorn turned the capital destroyed by damages and the investment slump into a fall of trend
    productivity before damages of up to 3.4% a year (6.3% with the damage to productivity growth). With learning
    that is not forgotten (Arrow 1962), productivity growth before damages falls to 0 and no further (the floor
    binds), so trend productivity falls no faster than the damage to productivity growth D_P, and every path stays
    in the plausible range (measured: public debt at most 4.0 x output)."""
    pols = [p.factory() for p in usa.meta.policies]
    ens = ensemble(usa, pd.DataFrame([MEMBER_1146]), pols, t_span=(2025.0, 2100.0),
                   variables=["alpha", "alpha_eff", "D_P", "b", "D_dmg"], outcomes=False, progress=False)
    assert bool((ens.status == Status.SUCCESS).all()), ens.failure.values
    assert float(ens.D_dmg.isel(time=-1).min()) > 0.19
    assert float(ens.alpha.min()) == 0.0  # the floor binds: learning slows to none, never to a regress
    assert float((ens.alpha_eff + ens.D_P).min()) >= -1e-15  # tau_D = 1 year
    assert float(ens.b.max()) < 5.0


def test_a_draw_without_a_start_at_rest_fails_at_the_start_and_says_why(dg):
    """Consumption propensities that together exceed the start's consumption share (c_w 0.9, c_pi 0.55, c_V 0.07)
    leave no positive autonomous demand, so no start at rest: that member fails at the start with the reason and is
    counted; the other member runs."""
    draws = pd.DataFrame({"c_w": [0.7, 0.9], "c_pi": [0.35, 0.55], "c_V": [0.048, 0.07]})
    why = no_start_reasons(dg, {k: draws[k].to_numpy(float) for k in draws})
    assert why[0] == "" and why[1].startswith("autonomous demand Z = G_C + Z_H is not positive")
    ens = ensemble(dg, draws, t_span=(2025.0, 2030.0), outcomes=False, progress=False)
    status = ens.status.values.ravel()
    assert status[0] == Status.SUCCESS and status[1] == Status.NONFINITE
    text = str(ens.failure.values.ravel()[1])
    assert "no start at rest for the drawn values: autonomous demand Z = G_C + Z_H is not positive" in text
    with pytest.raises(ModelError, match="no start at rest for these values: autonomous demand"):
        directed_growth(overrides={"c_w": 0.9, "c_pi": 0.55, "c_V": 0.07})
