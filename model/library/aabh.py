"""Directed technical change and the environment (Acemoglu, Aghion, Bursztyn & Hemous 2012) in continuous time."""

from __future__ import annotations

import sympy as sp

from ..core.blocks import Block
from ..core.metadata import ModelMeta
from ..core.symbols import Var, aux, lever, param, stock
from ..core.system import System, combine

__all__ = ["aabh", "aabh_start", "strong_substitutes_threshold"]

AABH = "Acemoglu, Aghion, Bursztyn & Hemous (2012) AER 102(1):131-166"
#: Third-party transcription of the paper's replication code (MATLAB calibration script of a 2025
#: thesis that marks its values as copied from the original), found through the code index: [V2].
AABH_CODE = f"{AABH}, calibration of the replication code as transcribed by a third party [V2]"
ASSUMPTION = "modelling assumption"

#: World primary energy from non-fossil (clean) and fossil (dirty) sources, 2002-2006, in quadrillion
#: Btu over the five years (EIA, as used by AABH's calibration) [V2]; divided by 5 for a yearly flow.
YC0_5Y = 307.77
YD0_5Y = 1893.25
#: World CO2 emissions over 2002-2006 expressed as atmospheric ppm (AABH's calibration) [V2].
EMISSION0_5Y = 17.48251782
#: Environmental quality: distance in ppm from the CO2 concentration of a 6 degC warming
#: (S_bar = 280 (2^(6/3) - 1) = 840) and today's value 99 ppm above pre-industrial [V2].
S_BAR = 280.0 * (2.0 ** (6.0 / 3.0) - 1.0)
S_0 = S_BAR - 99.0


def strong_substitutes_threshold(alpha: float) -> float:
    r"""The elasticity above which dirty output falls once all research is clean.

    Parameters
    ----------
    alpha : float
        Share of machines in sector production [dimensionless], in (0, 1).

    Returns
    -------
    float
        :math:`1/(1-\alpha)` [dimensionless] (1.5 at :math:`\alpha = 1/3`; AABH 2012, Section III).
    """
    return 1.0 / (1.0 - alpha)


def aabh_start(epsilon: float = 3.0, alpha: float = 1.0 / 3.0, Y_c0: float = YC0_5Y / 5.0,
               Y_d0: float = YD0_5Y / 5.0) -> dict[str, float]:
    r"""Knowledge stocks that reproduce the observed clean and dirty outputs under laissez-faire.

    Parameters
    ----------
    epsilon : float
        Elasticity of substitution between the clean and dirty inputs [dimensionless], not 1.
    alpha : float
        Share of machines in sector production [dimensionless].
    Y_c0, Y_d0 : float
        Clean and dirty output [quad/year]; defaults: world non-fossil and fossil primary energy
        2002-2006 (AABH's calibration, 61.55 and 378.65 quad/year) [V2].

    Returns
    -------
    dict
        ``A_c`` and ``A_d`` [quad/year]. With :math:`\varphi = (1-\alpha)(1-\varepsilon)`, the
        laissez-faire equilibrium gives :math:`Y_c/Y_d = (A_c/A_d)^{\varepsilon(1-\alpha)}` and
        :math:`Y_d = (A_c^\varphi + A_d^\varphi)^{-(\alpha+\varphi)/\varphi} A_c^{\alpha+\varphi} A_d`
        (AABH eq. 17), inverted here; the ratio :math:`A_c/A_d` depends on :math:`\varepsilon`
        (0.403 at 3, 0.762 at 10).
    """
    if epsilon == 1.0:
        raise ValueError("aabh_start: epsilon = 1 (Cobb-Douglas) is a limit of the closed forms; use 1 +/- 1e-6")
    phi = (1.0 - alpha) * (1.0 - epsilon)
    x = (Y_c0 / Y_d0) ** (1.0 / (epsilon * (1.0 - alpha)))
    A_d = Y_d0 * (1.0 + x ** phi) ** ((alpha + phi) / phi) * x ** (-(alpha + phi))
    return {"A_c": x * A_d, "A_d": A_d}


def _sector(j: str, word: str) -> tuple[Var, ...]:
    """Auxiliaries of sector ``j``: scientists' and labour's shares, price, output and knowledge growth."""
    return (aux(f"s_{j}", "dimensionless", f"share of scientists in {word} research"),
            aux(f"L_{j}", "dimensionless", f"share of labour in the {word} sector"),
            aux(f"p_{j}", "dimensionless", f"{'producer ' if j == 'd' else ''}price of the {word} input"),
            aux(f"Y_{j}", "quad/year", f"{word} input"),
            aux(f"g_{j}", "1/year", f"growth rate of {word} knowledge"))


def aabh() -> System:
    r"""AABH (2012): clean and dirty inputs, knowledge directed by expected profits, environmental quality.

    Returns
    -------
    System
        Stocks ``A_c``, ``A_d`` (knowledge, [quad/year]) and ``S`` (environmental quality [ppm_co2]);
        levers ``tau`` (tax on the dirty input) and ``q`` (subsidy to clean research) [dimensionless].

    Notes
    -----
    Laissez-faire equilibrium given knowledge (AABH Section II, machine cost
    :math:`\psi = \alpha^2`, labour normalised to 1), with an ad-valorem tax :math:`\tau` on the
    dirty input paid by the final-good producer and rebated lump-sum; :math:`x = A_c/A_d`,
    :math:`\varphi = (1-\alpha)(1-\varepsilon)`:

    .. math::

        \frac{p_c}{p_d} &= x^{-(1-\alpha)}, \qquad
        p_d = \big(x^{-\varphi} + (1+\tau)^{1-\varepsilon}\big)^{-1/(1-\varepsilon)}
        \ \ (\text{numeraire } p_c^{1-\varepsilon} + ((1+\tau)p_d)^{1-\varepsilon} = 1) \\
        \frac{L_c}{L_d} &= (1+\tau)^{\varepsilon} x^{-\varphi}, \qquad
        Y_j = p_j^{\alpha/(1-\alpha)} L_j A_j, \qquad
        \frac{Y_c}{Y_d} = (1+\tau)^{\varepsilon} x^{\varepsilon(1-\alpha)} \\
        Y &= \big(Y_c^{(\varepsilon-1)/\varepsilon}
              + Y_d^{(\varepsilon-1)/\varepsilon}\big)^{\varepsilon/(\varepsilon-1)}, \qquad
        C = Y - \alpha^2 (X_c + X_d), \quad X_j = p_j^{1/(1-\alpha)} L_j A_j

    Research: the expected profit of a scientist in sector :math:`j` is proportional to
    :math:`\eta_j p_j^{1/(1-\alpha)} L_j A_j`, so (economics.md section 5, with the policy wedges)

    .. math::

        \frac{\Pi_c}{\Pi_d} = (1+q)\,\frac{\eta_c}{\eta_d}\,(1+\tau)^{\varepsilon}\, x^{-\varphi}.

    AABH's discrete-time ratio carries the factor
    :math:`((1+\gamma\eta_c s_c)/(1+\gamma\eta_d s_d))^{-\varphi-1}`, which tends to 1 as the period
    shrinks; it is absent in continuous time. AABH's scientists all go to the more profitable
    sector (a corner). Here the allocation is the smooth Roy (discrete-choice) form
    :math:`s_c = \Pi_c^\kappa/(\Pi_c^\kappa + \Pi_d^\kappa) = \tfrac12(1 + \tanh(\tfrac\kappa2 \ln \Pi_c/\Pi_d))`:
    scientists with Frechet-distributed sector-specific talent of shape :math:`\kappa` (modelling
    assumption), which is AABH's corner as :math:`\kappa \to \infty`. With :math:`\kappa = 50`
    the share is within 2e-6 of the corner once profits differ by 30%, and the right-hand side
    stays smooth for the integrator (a switch takes a few years instead of an instant).

    .. math::

        \dot A_j = \gamma \eta_j s_j A_j, \qquad s_c + s_d = 1, \qquad
        \dot S = -\xi Y_d + \delta S \big(1 - e^{-(\bar S - S)/S_w}\big)

    AABH's environment, :math:`S_{t+1} = -\xi Y_{dt} + (1+\delta) S_t` capped at :math:`\bar S`,
    with the cap smoothed over a width :math:`S_w` (modelling assumption). :math:`S \le 0` is
    AABH's environmental disaster (a 6 degC warming); the model keeps integrating past it.

    Results the tests check: with :math:`\varepsilon > 1` (:math:`\varphi < 0`) research follows the
    more advanced sector (path dependence); if all research is clean and :math:`A_d` is constant,
    :math:`\dot Y_d/Y_d = (\alpha+\varphi) L_c \gamma\eta_c`, so dirty output falls iff
    :math:`\alpha + \varphi = 1 - \varepsilon(1-\alpha) < 0`, i.e. :math:`\varepsilon > 1/(1-\alpha)`.
    :math:`\varepsilon = 1` (Cobb-Douglas) is a removable singularity of the price formula: use
    :math:`1 \pm 10^{-6}`.

    References
    ----------
    Acemoglu, D., Aghion, P., Bursztyn, L. & Hemous, D. (2012) "The environment and directed
    technical change", American Economic Review 102(1):131-166.
    Papageorgiou, C., Saam, M. & Schulte, P. (2017) "Substitution between clean and dirty energy
    inputs: a macroeconomic perspective", Review of Economics and Statistics 99(2):281-290.
    """
    start = aabh_start()
    A_c = stock("A_c", "quad/year", "clean knowledge", default=start["A_c"], bounds=(0.0, None),
                description="Average quality of clean machines: clean output at full employment and unit price",
                source=f"aabh_start(): laissez-faire outputs equal world non-fossil and fossil primary energy "
                       f"2002-2006 at epsilon = 3 ({AABH_CODE})", latex="A_c")
    A_d = stock("A_d", "quad/year", "dirty knowledge", default=start["A_d"], bounds=(0.0, None),
                description="Average quality of dirty machines", latex="A_d",
                source=f"aabh_start() at epsilon = 3 ({AABH_CODE}); dirty ahead: A_c/A_d = 0.403")
    S = stock("S", "ppm_co2", "environmental quality", default=S_0, bounds=(None, None),
              description="CO2 concentration short of a 6 degC warming; S <= 0 is the disaster",
              source=f"{AABH_CODE}: S0 = S_bar - 99 ppm")
    alpha = param("alpha", "dimensionless", "share of machines in sector production", default=1.0 / 3.0,
                  bounds=(0.05, 0.95), source=f"{AABH_CODE}; economics.md 11.7 [R]", latex=r"\alpha")
    epsilon = param("epsilon", "dimensionless", "elasticity of substitution clean/dirty", default=3.0,
                    bounds=(0.1, 20.0), latex=r"\varepsilon",
                    source=f"{AABH}: 3 (baseline) and 10 [R, economics.md 11.7]; Papageorgiou, Saam & Schulte "
                           "(2017): about 1.8 in electricity generation [V], about 3 in non-energy industries [R]")
    gamma = param("gamma", "dimensionless", "size of an innovation", default=1.0, bounds=(0.0, 5.0),
                  source=f"{AABH_CODE}: gamma = 1", latex=r"\gamma")
    eta_c = param("eta_c", "1/year", "success rate of clean research", default=0.02, bounds=(0.0, 0.2),
                  source=f"{AABH_CODE}: 0.02 per year (0.1 per 5-year period)", latex=r"\eta_c")
    eta_d = param("eta_d", "1/year", "success rate of dirty research", default=0.02, bounds=(0.0, 0.2),
                  source=f"{AABH_CODE}: 0.02 per year (0.1 per 5-year period)", latex=r"\eta_d")
    kappa = param("kappa", "dimensionless", "sensitivity of scientists to relative profits", default=50.0,
                  bounds=(1.0, 500.0), latex=r"\kappa",
                  source=f"{ASSUMPTION}: Frechet shape of research talent; AABH's corner allocation is the limit "
                         "kappa -> infinity; at 50 the share is within 2e-6 of the corner for a 30% profit gap")
    xi = param("xi", "ppm_co2/quad", "emissions per unit of dirty input", default=EMISSION0_5Y / YD0_5Y,
               bounds=(0.0, None), latex=r"\xi",
               source=f"{AABH_CODE}: 2002-2006 emissions (17.48 ppm) over fossil energy (1893.25 quad)")
    delta = param("delta", "1/year", "environmental regeneration rate", default=0.5 * EMISSION0_5Y / 5.0 / S_0,
                  bounds=(0.0, 1.0), latex=r"\delta",
                  source=f"{AABH_CODE}: half of current emissions absorbed at S0 (0.5 x 17.48 ppm/5 years / S0)")
    S_bar = param("S_bar", "ppm_co2", "pristine environmental quality", default=S_BAR, bounds=(0.0, None),
                  latex=r"\bar S", source=f"{AABH_CODE}: 280 (2^(6/3) - 1) ppm (pre-industrial, disaster at 6 degC)")
    S_w = param("S_w", "ppm_co2", "width of the smoothed cap at S_bar", default=1.0, bounds=(1e-3, 100.0),
                tunable=False, latex="S_w",
                source=f"{ASSUMPTION}: smooths AABH's cap; below S_bar - 10 ppm the regeneration is AABH's to 5e-5")
    tau = lever("tau", "dimensionless", "tax on the dirty input", default=0.0, bounds=(0.0, None),
                source=f"{AABH}: ad-valorem input tax paid by final-good producers, rebated lump-sum",
                description="Carbon tax as a rate on the price of the dirty input", latex=r"\tau")
    q = lever("q", "dimensionless", "clean research subsidy", default=0.0, bounds=(0.0, None),
              source=f"{AABH}: subsidy to the profits of clean research",
              description="Clean research profits are multiplied by 1 + q")
    x = aux("x", "dimensionless", "relative knowledge A_c/A_d", latex="x")
    phi = aux("phi", "dimensionless", "(1 - alpha)(1 - epsilon)", latex=r"\varphi",
              description="Negative for substitutes (epsilon > 1): the market-size effect dominates")
    log_profit_ratio = aux("log_profit_ratio", "dimensionless", "log of relative expected research profits",
                           latex=r"\ln(\Pi_c/\Pi_d)")
    (s_c, L_c, p_c, Y_c, g_c), (s_d, L_d, p_d, Y_d, g_d) = (_sector(j, word) for j, word in (("c", "clean"),
                                                                                          ("d", "dirty")))
    Y = aux("Y", "quad/year", "final good", description="CES aggregate of the clean and dirty inputs")
    C = aux("C", "quad/year", "consumption", description="Final good net of the cost of machines")
    E = aux("E", "ppm_co2/year", "emissions", description="xi Y_d")
    a, e, t_ = alpha.sym, epsilon.sym, tau.sym
    b = Block(
        name="aabh",
        variables=(A_c, A_d, S, alpha, epsilon, gamma, eta_c, eta_d, kappa, xi, delta, S_bar, S_w, tau, q, x, phi,
                   log_profit_ratio, s_c, s_d, L_c, L_d, p_d, p_c, Y_c, Y_d, Y, C, E, g_c, g_d),
        auxiliaries={
            "x": A_c.sym / A_d.sym,
            "phi": (1 - a) * (1 - e),
            "log_profit_ratio": (sp.log(1 + q.sym) + sp.log(eta_c.sym / eta_d.sym) + e * sp.log(1 + t_)
                                 - phi.sym * sp.log(x.sym)),
            "s_c": (1 + sp.tanh(kappa.sym / 2 * log_profit_ratio.sym)) / 2,
            "s_d": (1 - sp.tanh(kappa.sym / 2 * log_profit_ratio.sym)) / 2,
            "L_c": 1 / (1 + (1 + t_) ** (-e) * x.sym ** phi.sym),
            "L_d": 1 / (1 + (1 + t_) ** e * x.sym ** (-phi.sym)),  # not 1 - L_c: full precision when L_d is small
            "p_d": (x.sym ** (-phi.sym) + (1 + t_) ** (1 - e)) ** (-1 / (1 - e)),
            "p_c": x.sym ** (a - 1) * p_d.sym,
            "Y_c": p_c.sym ** (a / (1 - a)) * L_c.sym * A_c.sym,
            "Y_d": p_d.sym ** (a / (1 - a)) * L_d.sym * A_d.sym,
            "Y": Y_d.sym * (1 + (Y_c.sym / Y_d.sym) ** ((e - 1) / e)) ** (e / (e - 1)),
            "C": Y.sym - a ** 2 * (p_c.sym ** (1 / (1 - a)) * L_c.sym * A_c.sym
                                   + p_d.sym ** (1 / (1 - a)) * L_d.sym * A_d.sym),
            "E": xi.sym * Y_d.sym,
            "g_c": gamma.sym * eta_c.sym * s_c.sym,
            "g_d": gamma.sym * eta_d.sym * s_d.sym,
        },
        derivatives={
            "A_c": g_c.sym * A_c.sym,
            "A_d": g_d.sym * A_d.sym,
            "S": -E.sym + delta.sym * S.sym * (1 - sp.exp(-(S_bar.sym - S.sym) / S_w.sym)),
        },
        description="Clean and dirty inputs, research directed by expected profits, environmental quality "
                    "(Acemoglu, Aghion, Bursztyn & Hemous 2012).",
    )
    return combine(b, name="aabh", description=aabh.__doc__.splitlines()[0],
                   origin={"factory": "model.library.aabh:aabh", "kwargs": {}},
                   meta=ModelMeta(t_span=(0.0, 300.0)))

