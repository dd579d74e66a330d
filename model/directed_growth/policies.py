"""Policy paths of the directed-growth model: business as usual, market fixing, market shaping.

Each path is a :class:`~model.core.levers.Policy` value (lever schedules over
2025-2100). The comparison's verdict comes from the model's mechanisms and
parameters, not from these definitions: each path only sets instruments.
Compose your own with :class:`~model.core.levers.Policy` and the lever names in
:data:`LEVERS`, or start from one of these with ``Policy.with_levers``.
"""

from __future__ import annotations

import sympy as sp

from ..core.levers import Policy, Rule, piecewise, ramp
from ..core.metadata import PolicyPath
from ..core.symbols import t

__all__ = ["LEVERS", "PATHS", "I_G0", "bau", "market_fixing", "market_shaping", "fiscal_rule", "default_exogenous",
           "all_paths", "paths", "durable"]

#: public investment rate in the start year [share of trend output] the paths start from by default (US 2025,
#: economics.md 11.12); a country's model passes its own (:func:`paths`), so every path starts from its state
I_G0 = 0.035

#: lever name -> meaning [units]
LEVERS = {
    "i_G": "public investment rate [share of trend output]",
    "mission_share": "mission direction: share of public investment directed at missions [0-1]",
    "i_cap": "capability investment rate [share of trend output]",
    "procurement": "green share of public procurement [0-1]",
    "carbon_price": "carbon price [USD/tCO2]",
    "carbon_dividend": "share of carbon-tax revenue returned to households as a lump sum [0-1]",
    "carbon_green": "share of the remaining carbon-tax revenue spent on green public investment [0-1]",
    "rd_subsidy": "untargeted R&D subsidy [share of output]",
    "clean_rd_subsidy": "clean research subsidy: rate on clean research profits (AABH's q) [dimensionless]",
    "support_rate": "public support offered per unit of a supported firm's output (subsidy) [share of output]",
    "payout_cap": "payout cap on supported firms [1 = 100% = none]",
    "reinvest_floor": "reinvestment floor on supported firms [0-1]",
    "wage_floor": "wage-floor shift of real wage growth [1/year]",
    "emission_std": "emissions standard on supported firms [0-1]",
    "equity_stake": "public equity stake in supported firms [0-1]",
    "f_prod": "share of new bank credit to productive uses [0-1]",
}


def default_exogenous() -> dict:
    """The model's default exogenous paths: DICE-2016R's non-CO2 forcing path (``F_ex``).

    The model carries them (``directed_growth().meta.exogenous``), so runs use them without
    being told; pass ``exogenous=`` only to change them.
    """
    from ..library.dice2016 import dice2016_forcing_path

    return {"F_ex": dice2016_forcing_path()}


def fiscal_rule(i_max: float = 0.035, i_min: float = 0.01, target: float = 1.2, speed: float = 10.0,
                phase_in: float | None = 2030.0, phase_width: float = 1.5) -> Rule:
    r"""A debt brake on public investment (feedback rule for the lever ``i_G``).

    .. math:: i_G = i_{max} - w(t)\,(i_{max} - i_{min})\,\mathrm{logistic}(k\,(b_n - b^*)),
              \qquad b_n = B / Y_T, \qquad w(t) = \mathrm{logistic}((t - t_{in})/\Delta)

    Public investment falls smoothly from ``i_max`` towards ``i_min`` as the
    public debt ratio rises; it is half-way at ``target`` [years of output]; ``speed`` is
    ``k``. The ratio is measured on trend output (demand block), since debt
    over current output would make output depend on itself through the rule.
    The brake is legislated, then phased in: ``w`` rises from 0 to 1 around
    the year ``phase_in`` over about ``4 phase_width`` years (``phase_in=None``:
    in force from the start), so that every path starts from the same 2025 state.
    """
    if not i_min <= i_max:
        raise ValueError(f"fiscal_rule: i_min ({i_min}) must not exceed i_max ({i_max})")
    if phase_width <= 0:
        raise ValueError(f"fiscal_rule: phase_width must be positive, got {phase_width}")
    B, Y_T = sp.symbols("B Y_T", real=True)
    brake = (i_max - i_min) / (1 + sp.exp(-speed * (B / Y_T - target)))
    if phase_in is not None:
        # logistic((t - t_in)/width) written with tanh: exp(-(t - t_in)/width) would be split by the
        # code generator into exp(t_in/width) exp(-t/width), which overflows for calendar years
        brake = brake * (1 + sp.tanh((t - phase_in) / (2 * phase_width))) / 2
    return Rule(i_max - brake)


def bau() -> Policy:
    """Business as usual: every lever at its 2025 value (the declared defaults).

    Public investment 3.5% of trend output with 10% mission-directed,
    capability spending that keeps capability constant, no carbon price, no
    conditions on support, 20% of new bank credit to productive uses.
    """
    return Policy("bau", bau.__doc__.splitlines()[0])


def market_fixing(i_G0: float = I_G0, q: float = 4.0, dividend: float = 0.9) -> Policy:
    """Market fixing at its best: a carbon tax with its revenue returned, a clean research subsidy, a fiscal rule.

    The market-fixing optimum of directed technical change: a carbon tax *plus* a subsidy to clean research
    (Acemoglu, Aghion, Bursztyn & Hemous 2012, AER 102(1): "optimal policy involves both carbon taxes and
    research subsidies, so that excessive use of carbon taxes is avoided"; with sufficient substitutability
    "it is optimal to redirect technical change towards clean technologies immediately" [V, abstract of the
    author manuscript, studylib.net/doc/11878620]; Acemoglu, Akcigit, Hanley & Kerr 2016, JPE 124(1): optimal
    policy "makes heavy use of research subsidies as well as carbon taxes" [V, abstract of the 2014 working
    paper, vdocument.in/acemoglu-transition-to-clean-technology.html]). Direction is left to markets: no
    public investment is directed, no conditions are attached. ``i_G0`` is the start year's public
    investment rate [share of trend output] (3.5% US, 2.85% UK): the debt brake cuts from it; ``q``
    [dimensionless] the clean research subsidy and ``dividend`` [0-1] the share of carbon revenue returned.

    * a carbon price rising to 25 USD/tCO2 by 2030, 100 by 2050 and 200 by 2100 (the Pigouvian
      externality fix; the path of the model's previous market-fixing policy, kept so that the carbon
      price alone compares as before);
    * revenue recycling: 90% of carbon-tax revenue returned to households as an equal lump-sum dividend
      (lever ``carbon_dividend``, in force from the start: there is no revenue before the price), as
      Canada returns about 90% of its federal fuel charge directly to families through Climate Action
      Incentive payments [V] (canada.ca, "Carbon pollution pricing proceeds programming"); the other 10%
      (Canada's programmes for small firms and public bodies, which the model does not have) reduces
      the deficit;
    * a clean research subsidy ``q = 4`` (lever ``clean_rd_subsidy``: clean research profits multiplied
      by 1 + q, AABH's q), phased in with the carbon price by 2030 and kept. Its size is a modelling choice:
      the smallest whole-number rate that, with this carbon price, moves research to clean as soon as it is
      in force in both calibrated countries, since AABH's optimum redirects research immediately (s_g > 0.5
      from 2029 in the US, 2030 in the UK; q = 3 switches the US in 2030 but never the UK, where the same
      carbon price is a tax on the dirty input less than half as large; in the US q = 2.5 waits until 2034,
      q = 2 until 2051). It is paid on clean energy research (base ``r_ERD``, about 0.1% of output): about
      0.4% of output a year once research is clean;
    * a fiscal rule: public investment cut smoothly as public debt rises (half-way cut at 120% of trend
      output; a debt brake phased in around 2030).

    No untargeted R&D subsidy and no cut of capability spending: the untargeted subsidy (lever
    ``rd_subsidy``) speeds up dirty knowledge as much as clean and is not part of the AABH optimum; add it
    with ``market_fixing().with_levers(rd_subsidy=...)``. No conditions on support, no public stakes.
    """
    return Policy(
        "market_fixing", market_fixing.__doc__.splitlines()[0],
        carbon_price=piecewise([2025, 2030, 2050, 2100], [0.0, 25.0, 100.0, 200.0]),
        carbon_dividend=dividend,
        clean_rd_subsidy=ramp(2025, 2030, 0.0, q),
        i_G=fiscal_rule(i_max=i_G0, i_min=min(0.01, i_G0), target=1.2),
    )


def market_shaping(i_G0: float = I_G0) -> Policy:
    """Market shaping: mission-oriented public investment with conditions and shared rewards.

    * public investment rises by 1.5 pp of trend output by 2035 from its start value ``i_G0``
      (3.5% to 5% in the US; 2.85% to 4.35% in the UK), half of it mission-directed (from 10%);
    * capability investment rises 30% by 2035;
    * outcome-oriented green procurement reaching 30% of public purchases by 2040, within the budget: the
      capacity supplying it is green by contract (about 3.5% of new private capacity in the US, 5% in the UK)
      and the guaranteed demand lowers the green financing rate (private investment block);
    * conditional public support: a subsidy offered rising to 4% of a supported firm's output by 2040,
      with conditions: payouts capped at half, at least 30% of profits reinvested, an emissions standard
      (half of brown emissions abated), a wage floor (+0.1 pp/yr real wage growth in supported and
      procuring firms) and a 20% public equity stake (socialised rewards). Firms take it where it is
      worth its conditions (public support block): at the defaults the conditions cost about 6.5% of a
      supported firm's output (the payout cap and reinvestment floor 4.5 pp of it), the offer is worth
      3.2% after tax, so about a tenth of firms take it (11-15% by 2100) and support costs the government
      about 0.4% of output a year (0.3-0.6%; US calibration and defaults). The size is a modelling choice:
      of the order of US federal support under the Inflation Reduction and CHIPS Acts (a few tenths of a
      percent of GDP a year). Under the US calibration an offer of 6% brings take-up in 2050 to 24% at a
      cost of 1.3% of output a year, 8% to 40% at 2.8%;
    * credit policy raising the productive share of new bank credit from 20% to 30%, a quantity allocation
      (finance block): new household credit (mortgages and consumer credit) falls to (1 - 0.3)/(1 - 0.2) = 87.5%
      of its reference flow, with the autonomous consumption it finances, and credit-constrained firms
      (a share xi of private investment, a free shifter) invest up to 1 + xi tanh(0.3/0.2 - 1) = 1 + 0.46 xi
      times as much;
    * a moderate carbon price (50 USD/tCO2 by 2050, 100 by 2100).
    """
    return Policy(
        "market_shaping", market_shaping.__doc__.splitlines()[0],
        i_G=ramp(2025, 2035, i_G0, i_G0 + 0.015),
        mission_share=ramp(2025, 2035, 0.10, 0.5),
        i_cap=ramp(2025, 2035, 0.01, 0.013),
        procurement=ramp(2025, 2040, 0.0, 0.3),
        support_rate=ramp(2025, 2040, 0.0, 0.04),
        payout_cap=0.5,
        reinvest_floor=0.3,
        emission_std=0.5,
        wage_floor=0.001,
        equity_stake=0.2,
        f_prod=ramp(2025, 2035, 0.2, 0.3),
        carbon_price=piecewise([2025, 2030, 2050, 2100], [0.0, 15.0, 50.0, 100.0]),
    )


def paths(i_G0: float = I_G0) -> tuple[PolicyPath, ...]:
    """The named policy paths, in comparison order, starting from a public investment rate ``i_G0``
    [share of trend output] in the start year (a country's model passes its own: see
    :func:`model.directed_growth.directed_growth`); a new path is one function above and one entry here."""
    import functools

    return (
        PolicyPath("bau", "Business as usual", bau),
        PolicyPath("market_fixing", "Market fixing", functools.partial(market_fixing, i_G0)),
        PolicyPath("market_shaping", "Market shaping", functools.partial(market_shaping, i_G0)),
    )


#: the named policy paths from the US start (:func:`paths` with :data:`I_G0`), in comparison order
PATHS = paths()


def all_paths() -> list[Policy]:
    """The reference paths of :data:`PATHS`, in comparison order."""
    return [p.factory() for p in PATHS]


def durable(system, policy: Policy, alternative: Policy | None = None) -> Policy:
    """``policy`` made to win elections or go: its levers revert to ``alternative`` (business as usual by
    default) after an election the incumbents lose, and stay reverted (named ``<policy>_durable``).

    Public support ``S_pub`` follows real disposable income growth per head, employment and the carbon tax
    paid (:func:`model.directed_growth.mechanisms.politics.politics`); an election with support below one half
    reverts every lever whose path differs from the alternative's
    (:func:`model.core.elections.reversible`, calendar :data:`~model.directed_growth.mechanisms.politics.ELECTIONS`).
    Business as usual made durable is business as usual. ``system`` is the directed-growth model built with its
    politics blocks, ``directed_growth(politics=True)`` (its lever defaults are the alternative's unset levers).

    Raises
    ------
    ModelError
        ``system`` has no politics blocks, or is a country's without a vote function (the UK): one line naming
        the valid choice.
    """
    from ..core.elections import reversible
    from ..errors import ModelError
    from .mechanisms.politics import REVERSAL, check_vote_function

    check_vote_function(system.origin.get("kwargs", {}).get("country"))
    if REVERSAL not in system.stocks:
        raise ModelError(f"durable: model {system.name!r} has no politics blocks (no reversal stock {REVERSAL!r}); "
                         "build it with directed_growth(politics=True)")
    alternative = alternative or bau()
    if policy.name == alternative.name:
        return policy
    return reversible(system, policy, alternative, reversal=REVERSAL)
