"""Stock-flow consistent models SIM, PC (Godley & Lavoie 2007, ch. 3-4) and BMW (ch. 7) in continuous time.

Each model declares its balance sheet and transactions-flow matrix as
:class:`~model.core.accounts.GodleyTable` objects: every row and column is checked on every run
(identities ``bs: ...`` and ``tfm: ...``, divided by output). Time is counted in the book's
periods (one period = one year of model time); money in the book's abstract units (declared
``USD``). The continuous-time forms keep the book's behavioural equations; where the book uses a
one-period lag the continuous form says what replaces it (``Notes`` of each factory).

Parameter values are those of the book as coded in the reference implementations listed in
economics.md 11.4a; the steady states are those of economics.md 11.15.
"""

from __future__ import annotations

from ..core.accounts import GodleyTable, Row, dot
from ..core.blocks import Block
from ..core.metadata import ModelMeta
from ..core.symbols import Var, aux, lever, param, stock
from ..core.system import System, combine

__all__ = ["sim", "pc", "bmw", "pc_steady_output"]

GL = "Godley, W. & Lavoie, M. (2007) Monetary Economics, Palgrave Macmillan"
SIM_VALUES = f"{GL}, ch. 3 (model SIM); values as in brianr747/SFC_models gl_book/chapter3.py (economics.md 11.4a)"
PC_VALUES = f"{GL}, ch. 4 (model PC); values as in brianr747/SFC_models gl_book/chapter4.py (economics.md 11.4a)"
BMW_VALUES = f"{GL}, ch. 7 (model BMW); values as in marcoverpas/SFC-models-R BMW.R (economics.md 11.4a)"
CONTINUOUS = "modelling assumption: continuous-time counterpart of the book's one-period lag (mean lag 1 period)"


def _fiscal_symbols(source: str) -> tuple[Var, Var, Var, Var]:
    """Government expenditure (a lever), the propensities to consume out of income and wealth, the tax rate."""
    G = lever("G", "USD/year", "government expenditure", default=20.0, bounds=(0.0, None), source=source,
              description="Pure government expenditure per period (the policy instrument)")
    alpha1 = param("alpha1", "dimensionless", "propensity to consume out of disposable income", default=0.6,
                   bounds=(0.0, 1.0), source=source, latex=r"\alpha_1")
    alpha2 = param("alpha2", "1/year", "propensity to consume out of wealth", default=0.4, bounds=(0.0, None),
                   source=source, latex=r"\alpha_2",
                   description="Consumption per period out of wealth held at the start of the period")
    theta = param("theta", "dimensionless", "tax rate", default=0.2, bounds=(0.0, 1.0), source=source,
                  latex=r"\theta")
    return G, alpha1, alpha2, theta


def _flows(C: Var, G: Var, Y: Var, T: Var) -> tuple[Row, ...]:
    """The rows SIM and PC share: consumption, government expenditure, output, taxes."""
    return (Row("Consumption", {"households": -C.sym, "production": C.sym}),
            Row("Government expenditure", {"production": G.sym, "government": -G.sym}),
            Row("Output (wages)", {"households": Y.sym, "production": -Y.sym}),
            Row("Taxes", {"households": -T.sym, "government": T.sym}))


def sim(discrete: bool = False) -> System:
    r"""Model SIM (Godley & Lavoie 2007, ch. 3): households, production and a government that pays with money.

    Parameters
    ----------
    discrete : bool
        ``False``: continuous time; ``True``: the book's period map (step 1), for its tables
        (balance sheet only: a discrete map has no rates for the change rows).

    Returns
    -------
    System
        Stocks ``H_h`` (money held by households) and ``H_s`` (money issued by the government)
        [USD]; lever ``G``; auxiliaries ``Y``, ``T``, ``YD``, ``C`` [USD/year].

    Notes
    -----
    .. math::

        Y &= C + G, \qquad T = \theta Y, \qquad Y_D = Y - T, \qquad
        C = \alpha_1 Y_D + \alpha_2 H_h \\
        \dot H_h &= Y_D - C, \qquad \dot H_s = G - T

    The simultaneous block is solved in closed form,
    :math:`Y = (G + \alpha_2 H_h)/(1 - \alpha_1(1-\theta))`, which is also the book's solution for a
    period given the wealth at its start: the discrete map reproduces the book's Table 3.4 (Y = 38.46,
    47.93 in periods 1-2 from :math:`H_0 = 0`). Steady state: :math:`Y^* = G/\theta = 100`,
    :math:`Y_D^* = C^* = H^* = 80` (economics.md 11.15); a step in :math:`G` moves :math:`Y` at once by
    :math:`1/(1-\alpha_1(1-\theta)) = 1.923` times the step (wealth is a stock). The
    households' money :math:`H_h` and the government's liability :math:`H_s` are integrated separately:
    the balance sheet's money row :math:`H_h - H_s = 0` is the redundant equation (checked, not imposed).

    References
    ----------
    Godley, W. & Lavoie, M. (2007) Monetary Economics: An Integrated Approach to Credit, Money,
    Income, Production and Wealth, Palgrave Macmillan, ch. 3.
    """
    G, alpha1, alpha2, theta = _fiscal_symbols(SIM_VALUES)
    H_h = stock("H_h", "USD", "money held by households", default=0.0, latex="H_h",
                source=f"{SIM_VALUES}: H0 = 0")
    H_s = stock("H_s", "USD", "money issued by the government", default=0.0, latex="H_s",
                source=f"{SIM_VALUES}: H0 = 0")
    Y = aux("Y", "USD/year", "output (national income)", description="(G + alpha2 H_h)/(1 - alpha1 (1 - theta))")
    T = aux("T", "USD/year", "taxes")
    YD = aux("YD", "USD/year", "disposable income", latex=r"Y_D")
    C = aux("C", "USD/year", "consumption")
    bs = GodleyTable(
        "bs", "Balance sheet of model SIM", "balance_sheet", ("households", "production", "government"),
        (Row("Money", {"households": H_h.sym, "government": -H_s.sym}),
         Row("Net worth", {"households": -H_h.sym, "government": H_s.sym}, "net_worth")),
        scale=Y.sym, source=f"{GL}, Table 3.1")
    tfm = GodleyTable(
        "tfm", "Transactions-flow matrix of model SIM", "transactions_flow", ("households", "production", "government"),
        (*_flows(C, G, Y, T), Row("Change in money", {"households": -dot(H_h), "government": dot(H_s)}, "change")),
        scale=Y.sym, source=f"{GL}, Table 3.2")
    flows = {"H_h": YD.sym - C.sym, "H_s": G.sym - T.sym}
    period = param("period", "year", "length of a period", default=1.0, bounds=(0.0, None), tunable=False,
                   source="one period of the book = one year of model time (the map's step)")
    b = Block(
        name="sim", variables=(H_h, H_s, G, alpha1, alpha2, theta, Y, T, YD, C) + ((period,) if discrete else ()),
        auxiliaries={"Y": (G.sym + alpha2.sym * H_h.sym) / (1 - alpha1.sym * (1 - theta.sym)),
                     "T": theta.sym * Y.sym, "YD": Y.sym - T.sym, "C": alpha1.sym * YD.sym + alpha2.sym * H_h.sym},
        **({"updates": {"H_h": H_h.sym + period.sym * flows["H_h"], "H_s": H_s.sym + period.sym * flows["H_s"]}}
           if discrete else {"derivatives": flows}),
        tables=(bs,) if discrete else (bs, tfm),
        description="Households consume out of income and money; the government spends, taxes income and "
                    "issues the money households save (Godley & Lavoie 2007, ch. 3).")
    return combine(b, name="sim_discrete" if discrete else "sim", dt=1.0 if discrete else None,
                   description=sim.__doc__.splitlines()[0],
                   origin={"factory": "model.library.godley_lavoie:sim", "kwargs": {"discrete": discrete}},
                   meta=ModelMeta(t_span=(0.0, 100.0)))


def pc_steady_output(G: float = 20.0, alpha1: float = 0.6, alpha2: float = 0.4, theta: float = 0.2,
                     lambda0: float = 0.635, lambda1: float = 5.0, lambda2: float = 0.01,
                     r: float = 0.025) -> dict[str, float]:
    r"""Steady state of model PC in closed form (economics.md 11.15).

    Parameters
    ----------
    G : float
        Government expenditure [USD/year].
    alpha1, alpha2, theta : float
        Propensities to consume [dimensionless], [1/year] and the tax rate [dimensionless].
    lambda0, lambda1, lambda2 : float
        Portfolio parameters [dimensionless], [year] (per unit of the rate) and [year].
    r : float
        Interest rate on bills [1/year].

    Returns
    -------
    dict
        ``Y`` (output), ``YD`` (disposable income), ``T`` (taxes) [USD/year], ``V`` (wealth), ``B_h``
        (bills held by households), ``H_h`` (cash) [USD]. With :math:`C = Y_D` (no saving),
        :math:`V^* = (1-\alpha_1) Y_D^*/\alpha_2` and :math:`B_h^* = q Y_D^*`,
        :math:`q = (1-\alpha_1)(\lambda_0 + \lambda_1 r)/\alpha_2 - \lambda_2`:
        :math:`Y^* = G(1-(1-\theta) r q)/(\theta-(1-\theta) r q)`, which is economics.md 11.15's form
        (:math:`q = k = \lambda_0 + \lambda_1 r - \lambda_2`) when :math:`\alpha_1 + \alpha_2 = 1`.
    """
    wealth = (1 - alpha1) / alpha2  # V / YD
    q = wealth * (lambda0 + lambda1 * r) - lambda2  # B_h / YD
    rq = (1 - theta) * r * q
    Y = G * (1 - rq) / (theta - rq)
    YD = Y - G
    V, B_h = wealth * YD, q * YD
    return {"Y": Y, "YD": YD, "T": theta * (Y + r * B_h), "V": V, "B_h": B_h, "H_h": V - B_h}


def pc() -> System:
    r"""Model PC (Godley & Lavoie 2007, ch. 4): households hold cash and bills, the central bank buys the rest.

    Returns
    -------
    System
        Stocks ``V`` (household wealth), ``B_h`` (bills held by households), ``B_s`` (bills issued)
        [USD]; levers ``G`` [USD/year] and ``r`` [1/year]; auxiliaries for output, income, taxes,
        consumption, the portfolio target, cash and the central bank's holdings.

    Notes
    -----
    .. math::

        Y &= C + G, \qquad Y_D = Y - T + r B_h, \qquad T = \theta (Y + r B_h), \qquad
        C = \alpha_1 Y_D + \alpha_2 V \\
        \dot V &= Y_D - C, \qquad
        B_h^{T} = V(\lambda_0 + \lambda_1 r) - \lambda_2 Y_D, \qquad
        \dot B_h = (B_h^{T} - B_h)/\tau_B, \qquad H_h = V - B_h \\
        \dot B_s &= G + r B_s - T - r B_{cb}, \qquad B_{cb} = B_s - B_h, \qquad H_s = B_{cb}

    Solved: :math:`Y = (G + \alpha_1(1-\theta) r B_h + \alpha_2 V)/(1 - \alpha_1(1-\theta))`.
    The book's portfolio equation :math:`B_h/V = \lambda_0 + \lambda_1 r - \lambda_2 Y_D/V` holds within
    each period; in continuous time households move towards it at rate :math:`1/\tau_B` (modelling
    assumption, :math:`\tau_B` = 0.1 period; the steady state does not depend on it), so that bills
    held are a stock whose change enters the transactions-flow matrix. The central bank buys the bills
    households do not hold and issues cash for them; its profits :math:`r B_{cb}` go to the government.
    Steady state (economics.md 11.15, :func:`pc_steady_output`): :math:`Y^* = 106.486` at
    :math:`r = 0.025`, :math:`110.09` at :math:`r = 0.035`. Household wealth :math:`V` and the
    government's debt :math:`B_s` are integrated separately: the money row of the balance sheet
    (:math:`H_h = H_s`, i.e. :math:`V = B_s`) is the redundant equation.

    References
    ----------
    Godley, W. & Lavoie, M. (2007) Monetary Economics, Palgrave Macmillan, ch. 4.
    """
    G, alpha1, alpha2, theta = _fiscal_symbols(PC_VALUES)
    r = lever("r", "1/year", "interest rate on bills", default=0.025, bounds=(0.0, None), source=PC_VALUES,
              description="Set by the central bank (0.025, raised to 0.035 in the book's experiment)")
    lambda0 = param("lambda0", "dimensionless", "portfolio share of bills: constant", default=0.635,
                    bounds=(0.0, 1.0), source=PC_VALUES, latex=r"\lambda_0")
    lambda1 = param("lambda1", "year", "portfolio share of bills: response to the rate", default=5.0,
                    bounds=(0.0, None), source=PC_VALUES, latex=r"\lambda_1")
    lambda2 = param("lambda2", "year", "portfolio share of bills: transactions demand for cash", default=0.01,
                    bounds=(0.0, None), source=PC_VALUES, latex=r"\lambda_2",
                    description="Cash held per unit of disposable income (per period), as a share of wealth")
    tau_B = param("tau_B", "year", "portfolio adjustment time", default=0.1, bounds=(1e-3, 1.0), tunable=False,
                  latex=r"\tau_B", source="modelling assumption: the book adjusts within the period; the steady "
                                          "state does not depend on it")
    start = pc_steady_output()
    V = stock("V", "USD", "household wealth", default=start["V"], bounds=(0.0, None),
              source=f"{PC_VALUES}: initial V = 86.486 (steady state at r = 0.025, pc_steady_output)")
    B_h = stock("B_h", "USD", "bills held by households", default=start["B_h"], latex="B_h",
                source=f"{PC_VALUES}: initial B_h = 64.865 (steady state at r = 0.025)")
    B_s = stock("B_s", "USD", "bills issued by the government", default=start["V"], latex="B_s",
                source="government debt equals household wealth (closed economy without capital)")
    Y = aux("Y", "USD/year", "output (national income)")
    YD = aux("YD", "USD/year", "disposable income", latex=r"Y_D")
    T = aux("T", "USD/year", "taxes")
    C = aux("C", "USD/year", "consumption")
    B_target = aux("B_target", "USD", "bills households want to hold", latex=r"B_h^{T}")
    H_h = aux("H_h", "USD", "cash held by households", latex="H_h")
    B_cb = aux("B_cb", "USD", "bills held by the central bank", latex=r"B_{cb}")
    H_s = aux("H_s", "USD", "cash issued by the central bank", latex="H_s")
    sectors = ("households", "production", "government", "central bank")
    bs = GodleyTable(
        "bs", "Balance sheet of model PC", "balance_sheet", sectors,
        (Row("Money (cash)", {"households": H_h.sym, "central bank": -H_s.sym}),
         Row("Bills", {"households": B_h.sym, "government": -B_s.sym, "central bank": B_cb.sym}),
         Row("Net worth", {"households": -V.sym, "government": B_s.sym}, "net_worth")),
        scale=Y.sym, source=f"{GL}, Table 4.1")
    tfm = GodleyTable(
        "tfm", "Transactions-flow matrix of model PC", "transactions_flow", sectors,
        (*_flows(C, G, Y, T),
         Row("Interest on bills", {"households": r.sym * B_h.sym, "government": -r.sym * B_s.sym,
                                   "central bank": r.sym * B_cb.sym}),
         Row("Central bank profits", {"government": r.sym * B_cb.sym, "central bank": -r.sym * B_cb.sym}),
         Row("Change in cash", {"households": -dot(H_h), "central bank": dot(H_s)}, "change"),
         Row("Change in bills", {"households": -dot(B_h), "government": dot(B_s), "central bank": -dot(B_cb)},
             "change")),
        scale=Y.sym, source=f"{GL}, Table 4.2")
    a1, th = alpha1.sym, theta.sym
    b = Block(
        name="pc", variables=(V, B_h, B_s, G, r, alpha1, alpha2, theta, lambda0, lambda1, lambda2, tau_B,
                              Y, YD, T, C, B_target, H_h, B_cb, H_s),
        auxiliaries={
            "Y": (G.sym + a1 * (1 - th) * r.sym * B_h.sym + alpha2.sym * V.sym) / (1 - a1 * (1 - th)),
            "T": th * (Y.sym + r.sym * B_h.sym),
            "YD": Y.sym - T.sym + r.sym * B_h.sym,
            "C": a1 * YD.sym + alpha2.sym * V.sym,
            "B_target": V.sym * (lambda0.sym + lambda1.sym * r.sym) - lambda2.sym * YD.sym,
            "H_h": V.sym - B_h.sym,
            "B_cb": B_s.sym - B_h.sym,
            "H_s": B_cb.sym,
        },
        derivatives={"V": YD.sym - C.sym, "B_h": (B_target.sym - B_h.sym) / tau_B.sym,
                     "B_s": G.sym + r.sym * B_s.sym - T.sym - r.sym * B_cb.sym},
        tables=(bs, tfm),
        description="Households split wealth between cash and bills; the central bank holds the remaining bills "
                    "and remits its profits (Godley & Lavoie 2007, ch. 4).")
    return combine(b, name="pc", description=pc.__doc__.splitlines()[0],
                   origin={"factory": "model.library.godley_lavoie:pc", "kwargs": {}},
                   meta=ModelMeta(t_span=(0.0, 100.0)))


def bmw() -> System:
    r"""Model BMW (Godley & Lavoie 2007, ch. 7): firms borrow from banks to invest, households hold deposits.

    Returns
    -------
    System
        Stocks ``K`` (capital), ``L`` (loans to firms), ``M`` (deposits of households) [USD] and
        ``Y_e`` (output expected for the capital target) [USD/year]; auxiliaries for output,
        consumption, investment, depreciation, wages, disposable income and interest.

    Notes
    -----
    .. math::

        Y &= C + I, \qquad C = \alpha_0 + \alpha_1 Y_D + \alpha_2 M, \qquad
        I = \gamma(\kappa Y_e - K) + D_A, \qquad D_A = A_F = \delta K \\
        W_B &= Y - r_l L - A_F, \qquad Y_D = W_B + r_m M, \qquad r_m = r_l \\
        \dot K &= I - D_A, \qquad \dot L = I - A_F, \qquad \dot M = Y_D - C, \qquad
        \dot Y_e = (Y - Y_e)/\tau_e

    The book's capital target :math:`K^T = \kappa Y_{-1}` uses last period's output; here output
    expected :math:`Y_e` follows output with a mean lag :math:`\tau_e` of one period. The simultaneous
    block is then :math:`Y = [\alpha_0 + \alpha_1(r_m M - r_l L - A_F) + \alpha_2 M + I]/(1-\alpha_1)`
    with :math:`I` given by the stocks. Firms pay out all income net of interest and depreciation as
    wages, so their net worth stays :math:`K - L = 0` from an empty start; banks pay on deposits what
    they earn on loans. Households' deposits :math:`M` and firms' loans :math:`L` are integrated by two
    budgets: the banks' balance-sheet column :math:`L - M = 0` is the redundant equation (checked, not
    imposed), and so are the banks' columns of the transactions-flow matrix (zero bank profits).
    Steady state (economics.md 11.15): :math:`Y^* = \alpha_0/[(1-\delta\kappa)(1-\alpha_1) -
    \alpha_2\kappa] = 200`, :math:`K^* = L^* = M^* = 200`, :math:`C^* = 180`, :math:`I^* = 20`,
    independent of :math:`r_l`. With the defaults the linearised dynamics of :math:`(K, Y_e)` have
    eigenvalues -0.25 and -0.30 per period. The redundant equation is neutrally unstable, as in the
    book's discrete form: :math:`\frac{d}{dt}(M - L) = r_l (M - L)` (banks would pay interest on
    deposits no loan backs), so rounding errors in :math:`M - L` grow like :math:`e^{r_l t}`: about
    1e-14 of output after 150 periods at the defaults, 1e-6 after 300 periods at :math:`r_l = 0.08`.

    References
    ----------
    Godley, W. & Lavoie, M. (2007) Monetary Economics, Palgrave Macmillan, ch. 7.
    """
    alpha0 = param("alpha0", "USD/year", "autonomous consumption", default=25.0, bounds=(0.0, None),
                   source=BMW_VALUES, latex=r"\alpha_0")
    alpha1 = param("alpha1", "dimensionless", "propensity to consume out of disposable income", default=0.75,
                   bounds=(0.0, 0.99), source=BMW_VALUES, latex=r"\alpha_1")
    alpha2 = param("alpha2", "1/year", "propensity to consume out of deposits", default=0.10, bounds=(0.0, None),
                   source=BMW_VALUES, latex=r"\alpha_2")
    delta = param("delta", "1/year", "depreciation rate", default=0.10, bounds=(0.0, 1.0), source=BMW_VALUES,
                  latex=r"\delta")
    gamma = param("gamma", "1/year", "speed of adjustment of capital to its target", default=0.15,
                  bounds=(0.0, 1.0), source=BMW_VALUES, latex=r"\gamma")
    kappa = param("kappa", "year", "capital to output ratio", default=1.0, bounds=(0.0, None), source=BMW_VALUES,
                  latex=r"\kappa")
    r_l = param("r_l", "1/year", "interest rate on loans", default=0.04, bounds=(0.0, None), source=BMW_VALUES,
                latex=r"r_l")
    tau_e = param("tau_e", "year", "mean lag of expected output", default=1.0, bounds=(1e-3, 10.0), tunable=False,
                  latex=r"\tau_e", source=CONTINUOUS)
    empty = "modelling assumption: the economy starts empty (no capital, loans or deposits), as the book's runs"
    K = stock("K", "USD", "capital stock", default=0.0, source=empty)
    L = stock("L", "USD", "loans to firms", default=0.0, source=empty)
    M = stock("M", "USD", "deposits held by households", default=0.0, source=empty)
    Y_e = stock("Y_e", "USD/year", "expected output", default=0.0, latex=r"Y_e", source=empty)
    Y = aux("Y", "USD/year", "output")
    C = aux("C", "USD/year", "consumption")
    I_ = aux("I", "USD/year", "gross investment")
    DA = aux("DA", "USD/year", "depreciation of capital", latex=r"D_A")
    AF = aux("AF", "USD/year", "amortisation funds", latex=r"A_F")
    WB = aux("WB", "USD/year", "wage bill", latex=r"W_B")
    YD = aux("YD", "USD/year", "disposable income", latex=r"Y_D")
    r_m = aux("r_m", "1/year", "interest rate on deposits", latex=r"r_m")
    sectors = ("households", "firms current", "firms capital", "banks current", "banks capital")
    bs = GodleyTable(
        "bs", "Balance sheet of model BMW", "balance_sheet", ("households", "firms", "banks"),
        (Row("Deposits", {"households": M.sym, "banks": -M.sym}),
         Row("Loans", {"firms": -L.sym, "banks": L.sym}),
         Row("Fixed capital", {"firms": K.sym}, "tangible"),
         Row("Net worth", {"households": -M.sym}, "net_worth")),
        scale=Y.sym, source=f"{GL}, Table 7.1")
    tfm = GodleyTable(
        "tfm", "Transactions-flow matrix of model BMW", "transactions_flow", sectors,
        (Row("Consumption", {"households": -C.sym, "firms current": C.sym}),
         Row("Investment", {"firms current": I_.sym, "firms capital": -I_.sym}),
         Row("Wages", {"households": WB.sym, "firms current": -WB.sym}),
         Row("Depreciation allowances", {"firms current": -AF.sym, "firms capital": AF.sym}),
         Row("Interest on loans", {"firms current": -r_l.sym * L.sym, "banks current": r_l.sym * L.sym}),
         Row("Interest on deposits", {"households": r_m.sym * M.sym, "banks current": -r_m.sym * M.sym}),
         Row("Change in loans", {"firms capital": dot(L), "banks capital": -dot(L)}, "change"),
         Row("Change in deposits", {"households": -dot(M), "banks capital": dot(M)}, "change")),
        scale=Y.sym, source=f"{GL}, Table 7.2")
    a1 = alpha1.sym
    b = Block(
        name="bmw", variables=(K, L, M, Y_e, alpha0, alpha1, alpha2, delta, gamma, kappa, r_l, tau_e,
                               Y, C, I_, DA, AF, WB, YD, r_m),
        auxiliaries={
            "DA": delta.sym * K.sym,
            "AF": DA.sym,
            "r_m": r_l.sym,
            "I": gamma.sym * (kappa.sym * Y_e.sym - K.sym) + DA.sym,
            "Y": (alpha0.sym + a1 * (r_m.sym * M.sym - r_l.sym * L.sym - AF.sym) + alpha2.sym * M.sym + I_.sym)
                 / (1 - a1),
            "WB": Y.sym - r_l.sym * L.sym - AF.sym,
            "YD": WB.sym + r_m.sym * M.sym,
            "C": alpha0.sym + a1 * YD.sym + alpha2.sym * M.sym,
        },
        derivatives={"K": I_.sym - DA.sym, "L": I_.sym - AF.sym, "M": YD.sym - C.sym,
                     "Y_e": (Y.sym - Y_e.sym) / tau_e.sym},
        tables=(bs, tfm),
        description="Firms invest towards a capital target with bank loans and pay out the rest of their income "
                    "as wages; banks lend what households deposit (Godley & Lavoie 2007, ch. 7).")
    return combine(b, name="bmw", description=bmw.__doc__.splitlines()[0],
                   origin={"factory": "model.library.godley_lavoie:bmw", "kwargs": {}},
                   meta=ModelMeta(t_span=(0.0, 150.0)))
