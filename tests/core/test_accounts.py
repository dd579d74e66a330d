"""Godley tables as data (model.core.accounts): validation, checks as identities, triviality, documentation.

The fixture is a three-sector credit economy: households receive wages w and consume c = a D out of
deposits D; firms borrow the wages their sales do not cover (dL/dt = w - c); banks lend what is
deposited. Deposits and loans are integrated by two budgets, so the banks' balance-sheet column
L - D = 0 is the one check that carries information (the "redundant equation"); every other row and
column holds by construction.
"""

from __future__ import annotations

import dataclasses
import json
import warnings

import pytest
import sympy as sp

import model
from model.core.accounts import GodleyTable, Row, dot, resolve
from model.core.blocks import Block, block
from model.core.symbols import aux, lever, param, stock
from model.core.system import combine
from model.errors import ModelError

D = stock("D", "USD", "deposits of households", default=1.0)
L = stock("L", "USD", "loans to firms", default=1.0)
w = lever("w", "USD/year", "wage bill", default=1.0)
a = param("a", "1/year", "propensity to consume out of deposits", default=0.5)
c = aux("c", "USD/year", "consumption")
N = aux("N", "USD", "households' deposits net of firms' loans")
P = aux("P", "USD", "deposits and loans")
S = aux("S", "USD/year", "saving of households")
SECTORS = ("households", "firms", "banks")


def balance_sheet(**changes) -> GodleyTable:
    table = GodleyTable(
        "bs", "Balance sheet", "balance_sheet", SECTORS,
        (Row("Deposits", {"households": D, "banks": -D.sym}),
         Row("Loans", {"firms": -L.sym, "banks": L}),
         Row("Net worth", {"households": -D.sym, "firms": L}, "net_worth")),
        scale=w)
    return dataclasses.replace(table, **changes) if changes else table


def flows(**changes) -> GodleyTable:
    table = GodleyTable(
        "tfm", "Transactions", "transactions_flow", SECTORS,
        (Row("Consumption", {"households": -c.sym, "firms": c}),
         Row("Wages", {"households": "w", "firms": "-w"}),  # text, read with the model's names
         Row("Change in deposits", {"households": -dot(D), "banks": dot(D)}, "change"),
         Row("Change in loans", {"firms": dot(L), "banks": -dot(L)}, "change")),
        scale=w)
    return dataclasses.replace(table, **changes) if changes else table


def economy(*tables: GodleyTable, dt: float | None = None, extra: tuple = (), **kwargs):
    eqs = {"D": w.sym - c.sym, "L": w.sym - c.sym}
    if dt is not None:
        eqs = {"D": D.sym + dt * eqs["D"], "L": L.sym + dt * eqs["L"]}
    b = block("credit", [D, L, w, a, c, N, P, S, *extra],
              auxiliaries={"c": a.sym * D.sym, "N": D.sym - L.sym, "P": D.sym + L.sym, "S": w.sym - c.sym},
              **({"updates": eqs} if dt is not None else {"derivatives": eqs}),
              tables=tables if tables else (balance_sheet(), flows()), **kwargs)
    return combine(b, name="credit", dt=dt, check_units=dt is None)


# ------------------------------------------------------------------------------- the checks


def test_check_names_rows_columns_and_net_lending():
    assert balance_sheet().check_names() == (  # no check of the net-worth row
        "bs: row 'Deposits'", "bs: row 'Loans'", "bs: column 'households'", "bs: column 'firms'",
        "bs: column 'banks'")
    assert flows().check_names() == (
        "tfm: row 'Consumption'", "tfm: row 'Wages'", "tfm: row 'Change in deposits'", "tfm: row 'Change in loans'",
        "tfm: column 'households'", "tfm: column 'firms'", "tfm: column 'banks'", "tfm: net lending")
    tangible = GodleyTable("k", "capital", "balance_sheet", ("firms",),
                           (Row("Capital", {"firms": L}, "tangible"), Row("Net worth", {"firms": -L.sym}, "net_worth")),
                           scale=w)
    assert tangible.check_names() == ("k: column 'firms'",)  # tangible rows sum to themselves


def test_checks_become_identities_divided_by_the_scale():
    s = economy()
    for tb in s.tables:
        assert set(tb.check_names()) <= set(s.identities)
    D_, L_, w_ = D.sym, L.sym, w.sym
    assert sp.simplify(s.identities["bs: column 'banks'"] - (L_ - D_) / w_) == 0
    assert s.identities["bs: row 'Deposits'"] == 0
    # the households' budget: -c + w - dD/dt, with dD/dt the stock's equation
    assert sp.expand(s.identities["tfm: column 'households'"]) == 0
    assert s.identities["tfm: net lending"] == 0
    assert s.block_of["identity bs: column 'banks'"] == "credit"


def test_all_zero_row_and_empty_column_give_residual_zero():
    table = flows(rows=flows().rows + (Row("Nothing", {"households": 0, "firms": sp.S.Zero}),),
                  sectors=SECTORS + ("government",))
    s = economy(balance_sheet(), table)
    assert s.identities["tfm: row 'Nothing'"] == 0
    assert s.identities["tfm: column 'government'"] == 0
    assert {c.name for c in s.table_checks() if c.trivial} >= {"tfm: row 'Nothing'", "tfm: column 'government'"}


def test_only_the_redundant_equation_carries_information():
    s = economy()
    assert [c.name for c in s.table_checks() if not c.trivial] == ["bs: column 'banks'"]
    assert len(s.table_checks()) == 13


def test_triviality_through_auxiliaries_by_random_points():
    """P = D + L is an auxiliary: P - D - L is zero only once P is evaluated (random-point test, 30 digits);
    a coefficient off by 1e-12 is not."""
    rows = (Row("Gross", {"households": P, "firms": -D.sym, "banks": -L.sym}),
            Row("Almost", {"households": P, "firms": -D.sym, "banks": -(1 + sp.Float("1e-12", 30)) * L.sym}))
    s = economy(balance_sheet(rows=balance_sheet().rows + rows), flows())
    trivial = {c.name: c.trivial for c in s.table_checks()}
    assert trivial["bs: row 'Gross'"] and not trivial["bs: row 'Almost'"]
    assert sp.expand(s.identities["bs: row 'Gross'"]) != 0  # not zero as written


def test_dot_of_an_auxiliary_of_stocks_is_its_rate_by_the_chain_rule():
    table = flows(rows=(Row("Change in net position", {"households": dot(N), "banks": -dot(N)}, "change"),
                        Row("Change in gross position", {"households": dot(P)}, "change")))
    s = economy(balance_sheet(), table)
    entries = resolve(table, s.variables, rates=s.derivatives, auxiliaries=s.auxiliaries)
    assert entries[("Change in net position", "households")] == 0  # dD/dt - dL/dt, equal budgets
    assert sp.expand(entries[("Change in gross position", "households")] - 2 * (w.sym - c.sym)) == 0
    assert sp.expand(s.identities["tfm: row 'Change in gross position'"] - 2 * (w.sym - c.sym) / w.sym) == 0


def test_residuals_reach_the_provenance_and_a_broken_start_is_named():
    s = economy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", model.IdentityWarning)
        ds = model.simulate(s, t_span=(0.0, 20.0))
    res = json.loads(ds.attrs["provenance"])["identity_max_residual"]
    assert set(res) == {n for tb in s.tables for n in tb.check_names()}
    assert max(res.values()) < 1e-12
    # deposits above loans: the banks' column is off by (L - D)/w = -0.1, conserved (dD/dt = dL/dt)
    with pytest.warns(model.IdentityWarning, match=r"bs: column 'banks' \(largest residual 0\.1\)"):
        ds = model.simulate(s, initial={"D": 1.1}, t_span=(0.0, 20.0))
    res = json.loads(ds.attrs["provenance"])["identity_max_residual"]
    assert res["bs: column 'banks'"] == pytest.approx(0.1, rel=1e-9)
    assert max(v for k, v in res.items() if k != "bs: column 'banks'") < 1e-12


def test_a_flipped_sign_is_reported_naming_row_and_column():
    rows = list(flows().rows)
    rows[0] = Row("Consumption", {"households": c.sym, "firms": c.sym})  # households' consumption sign flipped
    s = economy(balance_sheet(), flows(rows=tuple(rows)))
    with pytest.warns(model.IdentityWarning) as rec:
        model.simulate(s, t_span=(0.0, 5.0))
    msg = str(rec[0].message)
    assert "tfm: row 'Consumption'" in msg and "tfm: column 'households'" in msg and "tfm: net lending" in msg
    assert "tfm: column 'firms'" not in msg


def test_tables_enter_the_hash_and_survive_feedback_rules():
    s = economy()
    assert s.tables == (balance_sheet(), flows())
    assert economy().equations_hash() == s.equations_hash()
    assert economy(balance_sheet(title="Other title"), flows()).equations_hash() != s.equations_hash()
    ruled = s.with_rules({"w": sp.Float(2.0) * a.sym})
    assert ruled.tables == s.tables and set(s.identities) <= set(ruled.identities)


# ------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("make,pattern", [
    (lambda: economy(flows(rows=(Row("Wages", {"households": "w + Z"}),))),
     r"table 'tfm', row 'Wages', sector 'households': .*Z"),
    (lambda: economy(flows(rows=(Row("Wages", {"households": sp.Symbol("Z")}),))),
     r"table 'tfm', row 'Wages', sector 'households': unknown symbol 'Z'; declared symbols: D, L, N, P, S, a, c, w"),
    (lambda: flows(rows=(Row("Wages", {"housholds": w}),)),
     r"table 'tfm', row 'Wages': unknown sector 'housholds'; sectors: households, firms, banks"),
    (lambda: flows(rows=(Row("Wages", {"households": w}), Row("Wages", {"firms": w}))),
     r"table 'tfm': row label 'Wages' used twice"),
    (lambda: flows(rows=(Row("Capital", {"firms": L}, "tangible"),)),
     r"table 'tfm', row 'Capital': a transactions-flow table takes rows of kind flow, change, not 'tangible'"),
    (lambda: Row("Wages", {"households": w}, "stock"),
     r"row 'Wages': unknown kind 'stock'; valid: flow, change, financial, tangible, net_worth"),
    (lambda: GodleyTable("x", "x", "matrix", SECTORS, (), scale=w),
     r"table 'x': unknown kind 'matrix'; valid: balance_sheet, transactions_flow"),
    (lambda: economy(flows(rows=(Row("Change", {"households": dot(a)}, "change"),))),
     r"table 'tfm', row 'Change', sector 'households': dot\(a\): it is a parameter; dot\(\) takes a stock \(D, L\)"),
    (lambda: economy(flows(rows=(Row("Change", {"households": dot(S)}, "change"),))),
     r"dot\(S\): it depends on 'w', whose rate is not known; dot\(\) takes a stock \(D, L\) or an auxiliary"),
    (lambda: economy(balance_sheet(), flows(), dt=1.0),
     r"table 'tfm', row 'Change in deposits', sector 'households': dot\(D\) in a discrete map"),
    (lambda: economy(balance_sheet(), balance_sheet()),
     r"table 'bs' declared twice: in block 'credit' and in block 'credit'"),
    (lambda: economy(balance_sheet(), identities={"bs: row 'Loans'": D.sym - L.sym}),
     r"identity \"bs: row 'Loans'\" defined twice: in block 'credit' and by table 'bs' of block 'credit'"),
    (lambda: economy(balance_sheet(scale=0)), r"table 'bs': scale is zero"),
    (lambda: Block("b", tables=(Row("Wages", {}),)), r"block 'b': tables must be GodleyTable objects, got Row"),
])
def test_bad_tables_are_refused_in_one_line_naming_table_row_and_sector(make, pattern):
    with pytest.raises(ModelError, match=pattern) as err:
        make()
    assert "\n" not in str(err.value)


def test_a_discrete_map_checks_its_balance_sheet():
    s = economy(balance_sheet(), dt=1.0)
    assert s.is_discrete and "bs: column 'banks'" in s.identities
    with pytest.warns(model.IdentityWarning, match="bs: column 'banks'"):
        model.simulate(s, initial={"D": 1.2}, t_span=(0.0, 3.0))


# ------------------------------------------------------------------------------- documentation


def test_markdown_prints_tables_with_signs_sigma_and_verdicts():
    md = economy().to_markdown()
    eqs = md[md.index("## Equations"):md.index("## Accounting matrices")]
    assert "bs: column" not in eqs and "tfm: row" not in eqs  # checks printed with their tables only
    tables = md[md.index("## Accounting matrices"):md.index("## Nomenclature")]
    lines = tables.splitlines()
    assert "| | households | firms | banks | $\\Sigma$ |" in lines
    assert "| Deposits | $+D$ |  | $-D$ | $0$ |" in lines
    assert "| Change in loans |  | $+\\dot{L}$ | $-\\dot{L}$ | $0$ |" in lines
    assert "| $\\Sigma$ | $0$ | $0$ | $0$ | $0$ |" in lines
    assert ("Checks carrying information: column 'banks'; trivial (zero by construction): row 'Deposits', "
            "row 'Loans', column 'households', column 'firms'.") in lines


def test_latex_prints_each_table_as_a_labelled_booktabs_table():
    tex = economy().to_latex()
    assert r"\section{Accounting matrices}" in tex and r"\label{tab:credit:bs}" in tex
    assert r"Change in deposits & $-\dot{D}$ &  & $+\dot{D}$ & $0$ \\" in tex
    assert r"\midrule $\Sigma$ & $0$ & $0$ & $0$ & $0$ \\" in tex
    assert tex.count("{") == tex.count("}")


def test_table_export_without_a_system_uses_sympy_names():
    md = balance_sheet().to_markdown()
    assert "| Loans |  | $-L$ | $+L$ | $0$ |" in md.splitlines() and "Checks" not in md
    assert "checks divided by $w$" in md
    assert r"\label{tab:model:bs}" in balance_sheet().to_latex()
    assert [c.total for c in balance_sheet().checks()] == [0, 0, 0, 0, L.sym - D.sym]
    with pytest.raises(ModelError, match="text entry 'w' is read with the model's names"):
        flows().checks()
