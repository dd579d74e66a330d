"""Godley & Lavoie's SIM, PC and BMW in continuous time against economics.md 11.15 and their own tables.

Numbers: economics.md 11.15 (steady states, SIM's book Table 3.4, PC's closed form); parameter
values economics.md 11.4a. Steady states are reached by simulation (tight tolerances, long spans)
and compared to the closed forms to 1e-8 relative; the printed book values to their printed digits.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import warnings

import numpy as np
import pytest

import model
from model import catalogue
from model.cli.commands import main
from model.compiler.compiled import compile as compile_system
from model.core.accounts import Row
from model.core.blocks import Block
from model.core.levers import input_table, resolve_inputs
from model.core.system import combine
from model.library import bmw, pc, sim
from model.library.godley_lavoie import pc_steady_output

TIGHT = {"rtol": 1e-11, "atol": 1e-11}
R_STEP = model.Policy("r_to_3.5pc", r=model.step(0.0, 0.025, 0.035))


@functools.cache
def run(name: str, policy: str = "default"):
    system = catalogue.get(name)
    policies = [R_STEP] if policy == "r_step" else None
    with warnings.catch_warnings():
        warnings.simplefilter("error", model.IdentityWarning)  # every table closes along the run
        # BMW over 150 periods: its redundant equation is neutrally unstable at rate r_l (see bmw's Notes)
        ds = model.simulate(system, policies=policies, t_span=(0.0, 150.0 if name == "bmw" else 300.0), **TIGHT)
    return system, ds


def end(ds, name: str) -> float:
    return float(ds[name].isel(time=-1))


def pc_closed_form(r: float, G=20.0, theta=0.2, lambda0=0.635, lambda1=5.0, lambda2=0.01) -> float:
    """economics.md 11.15: Y* = G (1 - (1 - theta) r k)/(theta - (1 - theta) r k), k = lambda0 + lambda1 r - lambda2."""
    k = lambda0 + lambda1 * r - lambda2
    return G * (1 - (1 - theta) * r * k) / (theta - (1 - theta) * r * k)


# ------------------------------------------------------------------------------------------- SIM


def test_sim_steady_state_is_g_over_theta():
    _, ds = run("sim")
    assert end(ds, "Y") == pytest.approx(20.0 / 0.2, rel=1e-8)  # Y* = G/theta = 100
    for name in ("YD", "C", "H_h", "H_s"):
        assert end(ds, name) == pytest.approx(80.0, rel=1e-8)


def test_sim_impact_multiplier_of_a_step_in_government_expenditure():
    """From the steady state (H = 80), G: 20 -> 25 at t = 0 moves Y at once by 5/(1 - alpha1 (1 - theta))."""
    s = sim()
    ds = model.simulate(s, policies=[model.Policy("G25", G=model.step(0.0, 20.0, 25.0))],
                        initial={"H_h": 80.0, "H_s": 80.0}, t_span=(0.0, 400.0), t_eval=[0.0, 400.0], **TIGHT)
    multiplier = (float(ds.Y[0]) - 100.0) / 5.0
    assert multiplier == pytest.approx(1 / (1 - 0.6 * 0.8), rel=1e-12)
    assert multiplier == pytest.approx(1.923, abs=1e-3)  # economics.md 11.15, printed
    assert float(ds.Y[-1]) == pytest.approx(25.0 / 0.2, rel=1e-8)


def test_sim_discrete_map_reproduces_book_table_3_4():
    """economics.md 11.15: Y = 38.46, 47.93, 55.94 in periods 1-3, YD_1 = 30.77, H_1 = 12.31, H_2 = 22.72 (H_0 = 0).
    The map's value at t holds the period t + 1 flows computed from the wealth at its start."""
    ds = model.simulate(sim(discrete=True), t_span=(0.0, 3.0))
    np.testing.assert_allclose(ds.Y.values[:3], [38.46, 47.93, 55.94], atol=1e-2)
    assert float(ds.YD[0]) == pytest.approx(30.77, abs=1e-2)
    np.testing.assert_allclose(ds.H_h.values[1:3], [12.31, 22.72], atol=1e-2)
    # the continuous model's output at t = 0 is the book's period-1 output too (same wealth, H = 0)
    assert float(model.simulate(sim(), t_span=(0.0, 1.0)).Y[0]) == pytest.approx(20.0 / 0.52, rel=1e-12)


# -------------------------------------------------------------------------------------------- PC


def test_pc_closed_form_matches_the_printed_steady_states():
    for r, Y, V, B_h in ((0.025, 106.486, 86.486, 64.865), (0.035, 110.09, 90.09, 72.07)):
        ss = pc_steady_output(r=r)
        assert ss["Y"] == pytest.approx(pc_closed_form(r), rel=1e-13)
        assert ss["Y"] == pytest.approx(Y, abs=1e-2) and ss["V"] == pytest.approx(V, abs=1e-2)
        assert ss["B_h"] == pytest.approx(B_h, abs=1e-2)
    ss = pc_steady_output()
    assert ss["H_h"] == pytest.approx(21.62, abs=1e-2) and ss["T"] == pytest.approx(21.62, abs=1e-2)


@pytest.mark.parametrize("r", [0.025, 0.035, 0.05])
def test_pc_closed_form_is_a_rest_point_of_the_model(r):
    """The model's right-hand side vanishes at the closed form's stocks (V = B_s = V*, B_h = B_h*)."""
    cs = compile_system(pc())
    ss = pc_steady_output(r=r)
    y = cs.state_vector({"V": ss["V"], "B_h": ss["B_h"], "B_s": ss["V"]})
    L = input_table(resolve_inputs(pc(), model.Policy("r", r=model.constant(r)), None))
    rhs = cs.rhs(0.0, y, None, L)
    assert np.max(np.abs(rhs)) < 1e-12 * ss["Y"]
    obs = cs.observed(0.0, y, None, L)
    assert obs["Y"] == pytest.approx(ss["Y"], rel=1e-13) and obs["YD"] == pytest.approx(ss["YD"], rel=1e-13)


def test_pc_simulated_steady_states_before_and_after_the_rate_rise():
    _, ds = run("pc")
    assert end(ds, "Y") == pytest.approx(pc_closed_form(0.025), rel=1e-8)
    _, ds = run("pc", "r_step")
    assert end(ds, "Y") == pytest.approx(pc_closed_form(0.035), rel=1e-8)
    ss = pc_steady_output(r=0.035)
    for name in ("V", "B_h", "YD", "H_h"):
        assert end(ds, name) == pytest.approx(ss[name], rel=1e-8)
    assert end(ds, "B_s") == pytest.approx(ss["V"], rel=1e-8)  # government debt = household wealth


# ------------------------------------------------------------------------------------------- BMW


def test_bmw_steady_state_from_an_empty_economy():
    _, ds = run("bmw")
    y_star = 25.0 / ((1 - 0.1 * 1.0) * (1 - 0.75) - 0.1 * 1.0)  # alpha0/[(1 - delta kappa)(1 - alpha1) - alpha2 kappa]
    assert y_star == pytest.approx(200.0, rel=1e-14)
    assert end(ds, "Y") == pytest.approx(y_star, rel=1e-8)
    for name, value in (("K", 200.0), ("L", 200.0), ("M", 200.0), ("C", 180.0), ("I", 20.0)):
        assert end(ds, name) == pytest.approx(value, rel=1e-8), name


def test_bmw_steady_output_does_not_depend_on_the_loan_rate():
    ds = model.simulate(bmw(), {"r_l": 0.08}, t_span=(0.0, 150.0), **TIGHT)
    assert end(ds, "Y") == pytest.approx(200.0, rel=1e-8)


# ------------------------------------------------------------------------------- tables along the runs


@pytest.mark.parametrize("name,policy", [("sim", "default"), ("pc", "default"), ("pc", "r_step"), ("bmw", "default")])
def test_every_row_and_column_closes_along_the_run(name, policy):
    system, ds = run(name, policy)
    res = json.loads(ds.attrs["provenance"])["identity_max_residual"]
    checks = {n for tb in system.tables for n in tb.check_names()}
    assert len(system.tables) == 2 and checks <= set(res)
    assert max(res[n] for n in checks) < 1e-10


@pytest.mark.parametrize("name,informative", [
    ("sim", {"bs: row 'Money'"}),  # H_h (household budget) = H_s (government budget)
    ("pc", {"bs: row 'Money (cash)'"}),  # cash held = cash issued, i.e. wealth V = debt B_s
    ("bmw", {"bs: column 'firms'", "bs: column 'banks'",  # K = L, and the redundant equation L = M
             "tfm: column 'banks current'", "tfm: column 'banks capital'"}),  # zero bank profits r (L - M)
])
def test_trivial_flags(name, informative):
    system = catalogue.get(name)
    assert {c.name for c in system.table_checks() if not c.trivial} == informative
    assert len([c for c in system.table_checks() if c.trivial]) > 0


def test_a_flipped_sign_in_a_copy_of_the_table_is_named_by_simulate():
    s = sim()
    bs, tfm = s.tables
    rows = tuple(Row(r.label, {**r.entries, "households": -r.entries["households"]}, r.kind)
                 if r.label == "Taxes" else r for r in tfm.rows)
    blk = s.blocks[0]
    broken = combine(Block(blk.name, blk.variables, blk.derivatives, blk.auxiliaries, tables=(
        bs, dataclasses.replace(tfm, rows=rows))), name="sim_broken")
    with pytest.warns(model.IdentityWarning) as rec:
        model.simulate(broken, t_span=(0.0, 10.0))
    msg = str(rec[0].message)
    for check in ("tfm: row 'Taxes'", "tfm: column 'households'", "tfm: net lending"):
        assert check in msg
    assert "bs: row 'Money'" not in msg and "tfm: column 'government'" not in msg


def test_bmw_banks_column_catches_deposits_that_loans_do_not_back():
    with pytest.warns(model.IdentityWarning, match="bs: column 'banks'"):
        model.simulate(bmw(), initial={"M": 10.0}, t_span=(0.0, 20.0))


# ----------------------------------------------------------------------------------- documentation

SIM_TABLES_MARKDOWN = r"""## Accounting matrices

**Balance sheet of model SIM** (`bs`, balance sheet; checks divided by $Y$). Source: Godley, W. & Lavoie, M. (2007) Monetary Economics, Palgrave Macmillan, Table 3.1.

| | households | production | government | $\Sigma$ |
|---|---:|---:|---:|---:|
| Money | $+H_h$ |  | $-H_s$ | $0$ |
| Net worth | $-H_h$ |  | $+H_s$ | $0$ |
| $\Sigma$ | $0$ | $0$ | $0$ | $0$ |

Checks carrying information: row 'Money'; trivial (zero by construction): column 'households', column 'production', column 'government'.

**Transactions-flow matrix of model SIM** (`tfm`, transactions-flow matrix; checks divided by $Y$). Source: Godley, W. & Lavoie, M. (2007) Monetary Economics, Palgrave Macmillan, Table 3.2.

| | households | production | government | $\Sigma$ |
|---|---:|---:|---:|---:|
| Consumption | $-C$ | $+C$ |  | $0$ |
| Government expenditure |  | $+G$ | $-G$ | $0$ |
| Output (wages) | $+Y$ | $-Y$ |  | $0$ |
| Taxes | $-T$ |  | $+T$ | $0$ |
| Change in money | $-\dot{H_h}$ |  | $+\dot{H_s}$ | $0$ |
| $\Sigma$ | $0$ | $0$ | $0$ | $0$ |

Checks carrying information: none; trivial (zero by construction): row 'Consumption', row 'Government expenditure', row 'Output (wages)', row 'Taxes', row 'Change in money', column 'households', column 'production', column 'government', net lending.
"""  # noqa: E501  golden: written by hand from G&L Tables 3.1 and 3.2 (signs: sources +, uses -)


def test_sim_markdown_tables_golden(capsys):
    assert main(["equations", "sim", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert SIM_TABLES_MARKDOWN in md
    assert md.index("## Equations") < md.index("## Accounting matrices") < md.index("## Nomenclature")


def test_latex_prints_the_bmw_tables(capsys):
    assert main(["equations", "bmw", "--format", "latex"]) == 0
    tex = capsys.readouterr().out
    assert r"\label{tab:bmw:bs}" in tex and r"\label{tab:bmw:tfm}" in tex
    assert r"Interest on loans &  & $-L r_l$ &  & $+L r_l$ &  & $0$ \\" in tex
    assert r"Fixed capital &  & $+K$ &  & $+K$ \\" in tex  # a tangible row sums to itself
    assert r"Net worth & $-M$ &  &  & $-K$ \\" in tex  # ... and net worth to minus the tangible total
