"""Conditional public support: a subsidy to firms, its conditions' cost and the firms' take-up."""

from __future__ import annotations

import sympy as sp

from ...core.blocks import Block
from ...core.symbols import aux, lever, param, stock
from ._common import ASSUMED, ESSAY, ref, smooth_max0
from .emissions import THETA2


def support() -> Block:
    r"""Public support to firms as a subsidy, and the share of firms that take it with its conditions.

    Notes
    -----
    .. math::

        v &= (1 - t_\pi)\,\sigma, \qquad
        c = c_{app} + \mathrm{smax}\big(c_{pay} + c_{std} + c_{w} + c_{e},\, 0\big), \qquad
        s^* = \frac{v^k}{v^k + c^k}, \qquad \dot s_{sup} = (s^* - s_{sup})/\tau_s, \\
        c_{pay} &= h_{pay}\,(\theta_0 - \theta_s)\,\Pi/Y, \quad \theta_s = c_p\theta_0(1 - f_r), \quad
        c_e = e\,\theta_s\,\Pi/Y, \quad c_w = \omega\,b_w H_w, \\
        c_{std} &= \theta_1\beta_b\big[(\mu + (1-\mu)\,std)^{2.6} - \mu^{2.6}\big]
        - \iota\tau\sigma_b\beta_b(1-\mu)\,std, \qquad S_{sup} = s_{sup}\,\sigma\,Y, \\
        b_w^{eff} &= \big(s_{sup} + (1-s_{sup})\,proc\,G_C/Y\big) b_w

    *Instrument.* Support is a subsidy: the government pays a supported firm a share :math:`\sigma`
    (lever ``support_rate``) of its output (a production subsidy, as the US Inflation Reduction Act's
    production tax credits and the CHIPS Act's grants; ESSAY: conditions attached to public support).
    A subsidy rather than a concessional loan: its value to the firm is its size, with no new stock and
    no dependence on the loan rate it would undercut, and its public cost is a flow the budget shows
    each year (a concessional loan's cost is a rate gap on a stock of public loans, which the model's
    bank-financed firms would not otherwise hold). It is a transaction from the government to firms'
    current account (transactions-flow matrix) and adds to firms' pre-tax profits.

    *Take-up.* A firm takes support when its after-tax value :math:`v` per unit of output exceeds the
    cost of its conditions per unit of output, :math:`c`: the owners' forgone payouts under the payout
    cap :math:`c_p` and the reinvestment floor :math:`f_r` (a share :math:`h_{pay}` of a dollar retained
    instead of paid out is lost to the owners: a retained dollar reinvested at the firm's return
    :math:`r_K` is worth :math:`r_K/r_E` to owners whose cost of equity is :math:`r_E`, so
    :math:`h_{pay} = 1 - r_K/r_E`); the emission standard's extra abatement cost (DICE's cost curve of
    the emissions block, :math:`\theta_1 = \iota\,p_{back}\sigma_b/2.6` per unit of brown output, with
    the backstop price :math:`p_{back}`, on the dirty share of output :math:`\beta_b = 1 - y_g` of the
    emissions block, as the abatement cost share there) less the carbon tax it saves; the wage floor's extra wage bill
    (a shift :math:`b_w` of wage growth, accumulated over :math:`H_w` years); and the dividends given up
    with the public stake :math:`e`; plus a cost of applying and complying :math:`c_{app}`. Firms differ
    in their cost of conditions, log-logistically around :math:`c` with shape :math:`k` (the dispersion
    of :math:`\ln c` across firms is :math:`\pi/(k\sqrt3)`), so the share for which support is worth its
    conditions is logistic in the log of value over cost: zero exactly when support is worth nothing,
    whatever the conditions; one half when it is worth its conditions; above :math:`1 - 10^{-6}` when it
    is worth :math:`10^{6/k}` times their cost. Take-up follows that share with a lag :math:`\tau_s`
    (support contracts signed over time), so that it is a state: the conditions' effects (payout ratio,
    emission standard, wage floor, stake) scale with it and vanish with it.

    *The public stake* is the consideration for support (an equity-for-support swap, as the US
    government's 9.9% of Intel in return for CHIPS Act grants, 2025, or TARP's warrants): owners give
    up the share :math:`e` of supported firms' equity, and so of their dividends, which go to the
    public fund (public finance block); its cost to owners is in :math:`c` and its price is the
    support paid.

    *The wage floor* shifts wage growth in supported firms and in firms supplying green public
    procurement (a share :math:`proc\,G_C/Y` of output), not economy-wide: the aggregate Phillips
    curve shifts by :math:`b_w^{eff}`.
    """
    s_sup = stock("s_sup", "dimensionless", "take-up: share of firms taking conditional public support",
                  default=0.0, bounds=(None, None),
                  description="Stays in [0, 1]: it relaxes towards s_star, a share (stock bounds are open, and "
                              "take-up starts at 0)",
                  source="no conditional support in 2025 (support offered: 0, take-up 0)", latex=r"s_{sup}")
    sigma = lever("support_rate", "dimensionless", "public support offered per unit of a supported firm's output",
                  default=0.0, bounds=(0.0, 0.2),
                  source=ESSAY + ": public support with conditions; none offered in 2025", latex=r"\sigma")
    k_sup = param("k_sup", "dimensionless", "take-up sensitivity to the value of support over its conditions' cost",
                  default=3.0, bounds=(0.5, 30.0),
                  source="modelling assumption: log-logistic dispersion of firms' cost of conditions; 3 gives a "
                         "standard deviation of ln cost of 0.6 (firms' costs within a factor 2 of each other); "
                         "prior 0.5 (very dispersed) to 10 (nearly identical firms)", latex="k")
    c_app = param("c_app", "dimensionless", "cost of applying for and complying with support (share of output)",
                  default=0.002, bounds=(0.0, 0.05),
                  source="modelling assumption: administrative and reporting cost of a support contract, "
                         "0.2% of the supported firm's output; prior 0 to 1%", latex=r"c_{app}")
    h_pay = param("h_pay", "dimensionless", "share of a forgone payout's value lost to the owners",
                  default=0.5, bounds=(0.0, 1.0),
                  source="modelling assumption: h = 1 - r_K / r_E, the return on reinvested profits over the "
                         "owners' cost of equity; 0.5 (a marginal return half the cost of equity); prior 0 "
                         "(Modigliani-Miller: retained profits are worth their payout) to 1 (worth nothing to "
                         "owners)", latex=r"h_{pay}")
    H_w = param("H_w", "year", "years of wage-floor growth in the supported firm's extra wage bill",
                default=5.0, bounds=(0.0, 30.0),
                source="modelling assumption: the mean extra wage bill over a 10-year support contract is "
                       "omega b_w times 5 years; prior 0 to 10", latex=r"H_w")
    tau_s = param("tau_sup", "year", "adjustment time of take-up", default=1.0, bounds=(0.1, 10.0),
                  source="modelling assumption: support contracts are signed within about a year of the offer; "
                         "prior 0.5 to 3", latex=r"\tau_s")
    eps_c = param("eps_c", "dimensionless", "width of the smooth floor of the conditions' cost", default=1e-4,
                  bounds=(1e-6, 1e-3), tunable=False,
                  source="modelling assumption: the cost is exact to 1e-6 of output above 0.5% of output (a hyperbolic "
                         "smooth maximum, uncapped)", latex=r"\epsilon_c")
    v_sup = aux("v_sup", "dimensionless", "after-tax value of support per unit of output", latex="v")
    theta_s = aux("theta_s", "dimensionless", "payout ratio of supported firms", latex=r"\theta_s")
    c_pay = aux("c_pay", "dimensionless", "cost of the payout cap and reinvestment floor per unit of output",
                latex=r"c_{pay}")
    c_std = aux("c_std", "dimensionless", "net cost of the emission standard per unit of output", latex=r"c_{std}")
    c_w = aux("c_wage", "dimensionless", "cost of the wage floor per unit of output", latex=r"c_w")
    c_e = aux("c_stake", "dimensionless", "dividends given up with the public stake per unit of output",
              latex=r"c_e")
    c_cond = aux("c_cond", "dimensionless", "cost of the conditions of support per unit of output", latex="c")
    s_star = aux("s_star", "dimensionless", "share of firms for which support is worth its conditions",
                 latex=r"s^*")
    s_rate = aux("s_sup_rate", "1/year", "change of take-up (firms entering, or leaving when negative)",
                 latex=r"\dot s_{sup}")
    S_sup = aux("S_sup", "TUSD/year", "public support paid to firms", latex=r"S_{sup}")
    sup_share = aux("sup_share", "dimensionless", "public support paid per unit of output", latex=r"s_{sup}\sigma")
    wf_cov = aux("wf_cov", "dimensionless", "share of output under the wage floor (supported and procuring firms)",
                 latex=r"cov_w")
    b_w_eff = aux("b_w_eff", "1/year", "wage-floor shift of aggregate real wage growth", latex=r"b_w^{eff}")
    (Y, Pi, t_pi, theta0, payout_cap, reinvest_floor, equity_stake, emission_std, wage_floor, omega, p_back, mu,
     carbon_price, sigma_b, conv, y_g, x_P) = ref(
        "Y", "Pi", "t_pi", "theta0", "payout_cap", "reinvest_floor", "equity_stake", "emission_std", "wage_floor",
        "omega", "p_back", "mu", "carbon_price", "sigma_b", "conv", "y_g", "x_P")
    brown = 1 - y_g  # the dirty share of output (emissions block)
    theta1 = p_back * sigma_b * conv / THETA2  # DICE's cost coefficient per unit of brown output (emissions block)
    k = k_sup.sym
    return Block(
        name="public support",
        variables=(s_sup, sigma, k_sup, c_app, h_pay, H_w, tau_s, eps_c, v_sup, theta_s, c_pay, c_std, c_w, c_e,
                   c_cond, s_star, s_rate, S_sup, sup_share, wf_cov, b_w_eff),
        auxiliaries={
            "v_sup": (1 - t_pi) * sigma.sym,
            "theta_s": payout_cap * theta0 * (1 - reinvest_floor),
            "c_pay": h_pay.sym * (theta0 - theta_s.sym) * Pi / Y,
            "c_std": theta1 * brown * ((mu + (1 - mu) * emission_std) ** 2.6 - mu ** 2.6)
            - conv * carbon_price * sigma_b * brown * (1 - mu) * emission_std,
            "c_wage": omega * wage_floor * H_w.sym,
            "c_stake": equity_stake * theta_s.sym * Pi / Y,
            "c_cond": c_app.sym + smooth_max0(c_pay.sym + c_std.sym + c_w.sym + c_e.sym, eps_c.sym),
            # nothing offered, nothing taken (a separate piece: v^k ln v, its derivative in k, is undefined at 0)
            "s_star": sp.Piecewise((0, v_sup.sym <= 0), (v_sup.sym ** k / (v_sup.sym ** k + c_cond.sym ** k), True)),
            "s_sup_rate": (s_star.sym - s_sup.sym) / tau_s.sym,
            "S_sup": sup_share.sym * Y,
            "sup_share": s_sup.sym * sigma.sym,
            "wf_cov": s_sup.sym + (1 - s_sup.sym) * x_P,
            "b_w_eff": wf_cov.sym * wage_floor,
        },
        derivatives={"s_sup": s_rate.sym},
        description="Conditional public support as a subsidy to firms; take-up by the value of support against "
                    "the cost of its conditions (payout cap, reinvestment floor, emission standard, wage floor, "
                    "public stake); the wage floor's coverage (" + ESSAY + "; sizes " + ASSUMED + ").",
    )
