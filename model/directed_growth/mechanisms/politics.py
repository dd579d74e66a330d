r"""Public support for the policy in force and the electoral calendar (political durability).

The essay's last condition: an industrial strategy lasts only if it helps incumbents win elections over
several voting cycles. Support follows what voters feel, after the economic-voting literature; at each
election a vote below the threshold reverts the policies that opt in (:func:`model.core.elections.reversible`).
Nothing here acts on the economy unless a policy opts in, so the model is built without these blocks unless
asked (``directed_growth(politics=True)``; US only, :func:`check_vote_function`).
"""

from __future__ import annotations

from ...core.blocks import Block
from ...core.elections import reversal_block
from ...core.symbols import aux, param, stock
from ._common import ref

HIBBS = ("Hibbs (2012), Bread and Peace model, 15 US presidential elections 1952-2008 (douglas-hibbs.com, "
         "'The 2012 US Presidential Election: Implications of the Bread and Peace Model'): incumbent two-party vote "
         "share = 45.7 + 3.6 x weighted-average per capita real disposable income growth [% per year], quarterly lag "
         "weight 0.9 (s.e. 1.1, 0.56, 0.05); RMSE 2.2 pp [V, read on the page]")
LBS = ("Lewis-Beck & Stegmaier (2000), Annu. Rev. Polit. Sci. 3: economic voting (income growth and unemployment) "
       "across democracies [R]; Healy & Malhotra (2013), Annu. Rev. Polit. Sci. 16: retrospective voting [R]")
DF = ("Douenne & Fabre (2022), AEJ: Economic Policy 14(1): French households overestimate their net losses from a "
      "carbon tax and dividend and largely reject it [V, abstract]; no vote-share coefficient")
NOTE = "modelling assumption"

#: support variable and reversal stock of the model (:func:`model.core.elections.reversible` takes ``REVERSAL``)
SUPPORT, REVERSAL = "S_pub", "R_el"
#: last date of the electoral calendar [year] (the pulse's pieces end there; the model ends in 2100)
LAST_ELECTION = 2105.0
#: country -> (first election date [year], years between elections, source)
ELECTIONS = {
    "USA": (2028.85, 4.0, "US presidential election of 7 November 2028 (2028 + 311/366), then every 4 years "
                          "(the executive that sets most instruments; the 2-year congressional cycle is not "
                          "modelled)"),
    "GBR": (2029.5, 5.0, "UK general election due by August 2029 (5 years after 4 July 2024, the longest term under "
                         "the Dissolution and Calling of Elections Act 2022), then every 5 years (the maximum; "
                         "post-war parliaments were often shorter: " + NOTE + ")"),
}


#: countries whose vote function the model has (:data:`ELECTIONS` lists calendars only)
VOTE_FUNCTIONS = ("USA",)
#: why the UK has none (read for issue 13; the one-line refusal of :func:`check_vote_function` names it)
NO_UK_VOTE_FUNCTION = (
    "the published UK vote functions found do not fit the model: Kenny & Lewis-Beck (2024; Lewis-Beck, Nadeau & "
    "Belanger 2004 updated), incumbent party vote share [%] = 47.18 - 0.62 inflation(t-6 months) + 0.19 net PM "
    "approval(t-6) - 1.89 terms in office [V, https://electionsetc.com/2024/07/03/election-polls-versus-the-uk-"
    "economy-conservatives-wont-close-the-gap], is a share of a multi-party vote with no stated share at which "
    "the incumbents lose, and its drivers besides inflation (approval, terms in office) are not in the model; "
    "Sanders (2000, Electoral Studies 19) and Price & Sanders (1993, AJPS 37) are popularity (poll) functions, "
    "not vote functions [V, abstracts: https://documents.pub/document/the-real-economy-and-the-perceived-economy-in-"
    "popularity-functions-how-much.html, https://discovery.researcher.life/article/modeling-government-popularity-"
    "in-postwar-britain-a-methodological-example/bd872db4b49d3e7b93a8eb84eac2c4fd]; Hibbs's "
    "US equation puts UK support at rest at 49.98% (block-wise calibration) or 50.79% (joint calibration), within "
    "two fifths of its 2.2 pp standard error of the threshold, so the wrong country's equation would decide whether a "
    "policy reverts at the first UK election")


def check_vote_function(country: str | None) -> None:
    """Refuse electoral durability for a country without a vote function (one line naming the valid ones).

    Raises
    ------
    ModelError
        ``country`` (case-insensitive; ``None`` is the US) not in :data:`VOTE_FUNCTIONS`.
    """
    from ...errors import ModelError

    code = "USA" if country is None else str(country).upper()
    if code not in VOTE_FUNCTIONS:
        raise ModelError(f"political durability: no vote function for {code} (the model has Hibbs's US equation "
                         f"only; the UK vote functions found do not fit the model, see NO_UK_VOTE_FUNCTION); valid: "
                         f"{', '.join(VOTE_FUNCTIONS)}")


def election_calendar(country: str | None) -> dict[str, float]:
    """Defaults of the calendar parameters for ``country`` (US when ``None``)."""
    first, interval, _ = ELECTIONS["USA" if country is None else country.upper()]
    return {f"{REVERSAL}_first": first, f"{REVERSAL}_interval": interval}


def politics() -> Block:
    r"""Public support for the incumbents who enacted the policy in force.

    Notes
    -----
    .. math::

        y_h &= YD / N, \qquad \dot y_m = (y_h - y_m)/\tau_y, \qquad g_{yd} = (y_h / y_m - 1)/\tau_y, \\
        S &= s_0 + b_y\,g_{yd} + b_\lambda\,(\lambda - \lambda_{ref}) - b_c\,T_c / YD + b_g\,(y_g - \bar y_g)

    :math:`y_m` is an exponential moving average of real disposable income per head (per member of the
    labour force: the model has no population) with mean lag :math:`\tau_y`, so :math:`g_{yd}` is the
    exponentially weighted average of its past growth (exactly its growth on a balanced path): Hibbs's
    weighted-average income growth over the term, with his quarterly weight 0.9 as a mean lag
    :math:`\tau_y = -0.25/\ln 0.9 = 2.37` years. :math:`S` is the incumbents' expected two-party vote
    share; with :math:`s_0 = 0.457` and :math:`b_y = 3.6` it is Hibbs's equation (shares, growth per year).
    Employment (Lewis-Beck & Stegmaier) and the carbon tax paid as a share of disposable income
    (Douenne & Fabre's backlash: the visible cost, counted over and above its effect on income) enter with
    coefficients whose priors include zero, and so does the green share of output :math:`y_g` (the
    essay's visible local green jobs, jobs in proportion to output by sector; 0 by default: no published
    coefficient). The start values make support at rest in business as usual
    (:mod:`~model.directed_growth.start_state`). An election is lost when :math:`S < 0.5`
    (:func:`model.core.elections.reversal_block`, calendar :data:`ELECTIONS`). Hibbs's equation is estimated on
    US presidential elections; applied to the UK it is a modelling assumption (with the UK's slower income
    growth per head, support at rest is 49.98% under the block-wise calibration and 50.79% under the joint one,
    within two fifths of its standard error of the threshold: the UK vote functions found do not fit the model, see
    :data:`NO_UK_VOTE_FUNCTION`; the factory
    refuses the politics blocks for the UK, :func:`check_vote_function`).

    Support is an auxiliary, Hibbs's equation itself: his model is a static map from the term's weighted
    income growth to the vote, the memory is in the weights (here :math:`y_m`), and a further adjustment lag
    of support (an earlier version's :math:`\tau_S = 0.25` years, a modelling assumption without a source)
    only added a fast stock that set the integrator's step size. Nothing here acts on the economy unless a
    policy opts in, so the model is built without this block unless asked
    (``directed_growth(politics=True)``).
    """
    y_m = stock("y_m", "TUSD/year/Mworker", "remembered real disposable income per head", default=0.1,
                bounds=(0.0, None), source="start value: y_h / (1 + g_h tau_y) at rest (set by the model factory)",
                latex="y_m")
    tau_y = param("tau_y", "year", "mean lag of voters' income memory", default=2.37, bounds=(0.25, 10.0),
                  source=HIBBS + ": lag weight 0.9 per quarter, mean lag -0.25/ln 0.9 = 2.37 years", latex=r"\tau_y")
    s_0 = param("s_0", "dimensionless", "incumbents' vote share at zero income growth", default=0.457,
                bounds=(0.3, 0.7), source=HIBBS + " (alpha = 45.7%)", latex="s_0")
    b_y = param("b_y", "year", "vote share per unit of weighted real income growth per head", default=3.6,
                bounds=(0.0, 10.0), source=HIBBS + " (beta1 = 3.6 pp per pp/yr); " + LBS, latex="b_y")
    b_lam = param("b_lam", "dimensionless", "vote share per unit of employment rate above its reference",
                  default=0.0, bounds=(0.0, 3.0),
                  source=LBS + "; 0 by default: Hibbs finds no term beyond income growth adds explanatory power "
                                "(" + NOTE + ", prior 0-1)", latex=r"b_\lambda")
    b_c = param("b_c", "dimensionless", "vote share lost per unit of carbon tax paid over disposable income",
                default=1.0, bounds=(0.0, 5.0),
                source=DF + ": " + NOTE + " (a carbon tax costing 1% of disposable income costs the incumbents 1 pp "
                                          "beyond its income effect; prior 0-3)", latex="b_c")
    b_g = param("b_g", "dimensionless", "vote share per unit of the green share of output above its start value",
                default=0.0, bounds=(0.0, 2.0),
                source="the essay's 'visible local green jobs' (Mazzucato 2025), jobs in proportion to output by "
                       "sector; no published vote-share coefficient was found: 0 by default (" + NOTE + ", prior "
                       "0-0.5: a green share of output 10 points higher worth up to 5 pp of the vote)", latex="b_g")
    y_g_ref = param("y_g_ref", "dimensionless", "green share of output in the start year", default=0.1,
                    bounds=(None, None), tunable=False, source="start value (set by the model factory)",
                    latex=r"\bar y_g")
    y_h = aux("y_h", "TUSD/year/Mworker", "real disposable income per head", latex="y_h")
    g_yd = aux("g_yd", "1/year", "weighted growth of real disposable income per head", latex="g_{yd}")
    c_burden = aux("c_burden", "dimensionless", "carbon tax paid over household disposable income", latex="c_h")
    S = aux(SUPPORT, "dimensionless", "public support: incumbents' expected two-party vote share", latex="S")
    YD, N, lam, lam_ref, T_c, y_g = ref("YD", "N", "lam", "lam_ref", "T_c", "y_g")
    return Block(
        name="politics",
        variables=(y_m, tau_y, s_0, b_y, b_lam, b_c, b_g, y_g_ref, y_h, g_yd, c_burden, S),
        auxiliaries={
            "y_h": YD / N,
            "g_yd": (y_h.sym / y_m.sym - 1) / tau_y.sym,
            "c_burden": T_c / YD,
            SUPPORT: s_0.sym + b_y.sym * g_yd.sym + b_lam.sym * (lam - lam_ref) - b_c.sym * c_burden.sym
            + b_g.sym * (y_g - y_g_ref.sym),
        },
        derivatives={"y_m": (y_h.sym - y_m.sym) / tau_y.sym},
        description="Public support after economic voting (" + HIBBS.split(",")[0] + "; " + LBS.split(",")[0]
                    + "; " + DF.split(",")[0] + ").",
    )


def elections() -> Block:
    """The electoral calendar, the vote ``R_el_vote`` and the reversal stock ``R_el`` (US calendar by default;
    the factory sets a country's, :func:`election_calendar`): the vote is cast in the quarter before each
    election date, and a vote with support below one half reverts the policies that opt in in the quarter
    after it; they stay reverted (:func:`model.core.elections.reversal_block`); the verdict's step is 0.1 pp
    of the vote wide (a numerical smoothing, far below Hibbs's 2.2 pp standard error)."""
    first, interval, source = ELECTIONS["USA"]
    return reversal_block(SUPPORT, name=REVERSAL, threshold=0.5, first=first, interval=interval,
                          last=LAST_ELECTION, width=0.001,
                          source=source + "; threshold: a majority of the two-party vote")
