"""Calibration figures: fitted against observed series, posterior corner plot, profile likelihoods."""

from __future__ import annotations

import numpy as np

__all__ = ["fitted_vs_observed", "posterior_corner", "profile_plot"]

#: replay series shown, with their panel counterparts and display scale
_SERIES = (("Y", "Y", "output", 1.0, "TUSD/yr"), ("e_int", "e_int", "emission intensity", 1.0, "GtCO$_2$/TUSD"),
           ("lam", "lam", "employment rate", 100.0, "%"), ("omega", "omega", "wage share", 100.0, "%"),
           ("h_eff", "h", "private investment share", 100.0, "% of output"),
           ("b", "b", "public debt", 100.0, "% of output"), ("d", "d", "business debt", 100.0, "% of output"))


def fitted_vs_observed(cal, path=None):
    """One panel per series: the fitted replay (line) against the data (dots), with R2 and
    whether the series was a target. Returns the matplotlib Figure (saved to ``path`` if given)."""
    import matplotlib.pyplot as plt

    from model.directed_growth.figures import OKABE_ITO

    if cal.replay is None:
        raise ValueError(f"{cal.country}: no whole-model replay to plot ({'; '.join(cal.notes)})")
    fig, axes = plt.subplots(2, 4, figsize=(11, 5.2), constrained_layout=True)
    t = cal.replay["time"].values
    for ax, (var, data, label, scale, units) in zip(axes.flat, _SERIES):
        ax.plot(t, scale * cal.replay[var].values, color=OKABE_ITO[1], lw=1.6, label="model (replay)")
        obs = cal.observed[data].sel(year=t.astype(int)).values
        ax.plot(t, scale * obs, "o", ms=2.8, color="black", label="data")
        st = cal.series_fit[var]
        ax.set_title(f"{label}\n$R^2$ {st['r2']:.2f}, {'target' if st['targeted'] else 'not targeted'}",
                     fontsize=9)
        ax.set_ylabel(units, fontsize=8)
        ax.tick_params(labelsize=8)
    axes.flat[-1].axis("off")
    axes.flat[0].legend(fontsize=8, frameon=False)
    fig.suptitle(f"{cal.country}: historical replay {int(t[0])}-{int(t[-1])} against data", fontsize=11)
    if path is not None:
        fig.savefig(path, dpi=200)
    return fig


def posterior_corner(cal, path=None):
    """Corner plot of the posterior draws (the ``corner`` package), with the least-squares estimate."""
    import corner
    import matplotlib.pyplot as plt

    if cal.posterior is None:
        raise ValueError("no posterior: run calibrate(..., mcmc=True)")
    post = cal.posterior
    truths = [cal.whole.values[n] for n in post.names]
    if len(post.names) == 1:  # corner needs two dimensions: a histogram with the same marks
        fig, ax = plt.subplots(figsize=(3.6, 3.0), constrained_layout=True)
        x = post.samples[:, 0]
        ax.hist(x, bins=40, color="0.6")
        for q in np.quantile(x, (0.05, 0.5, 0.95)):
            ax.axvline(q, color="black", ls="--", lw=1)
        ax.axvline(truths[0], color="#0072B2", lw=1.5, label="least squares")
        ax.set_xlabel(post.names[0])
        ax.set_yticks([])
        ax.legend(fontsize=8, frameon=False)
        ax.set_title(f"{cal.country}: posterior (median, 90% interval)", fontsize=9)
    else:
        fig = corner.corner(post.samples, labels=list(post.names), truths=truths, quantiles=(0.05, 0.5, 0.95),
                            show_titles=True, title_fmt=".4f")
    if path is not None:
        fig.savefig(path, dpi=200)
    return fig


def profile_plot(cal, names=None, points: int = 9, path=None):
    """Profile likelihoods (delta chi2 against the value) of the whole-model parameters, with the
    95% threshold 3.84 and the least-squares +-1.96 SE interval."""
    import matplotlib.pyplot as plt

    from .bayes import profile_likelihood

    if cal.whole is None or cal.problem is None:
        raise ValueError("no whole-model fit to profile")
    names = list(names or cal.whole.names)
    fig, axes = plt.subplots(1, len(names), figsize=(3.4 * len(names), 3.0), constrained_layout=True,
                             squeeze=False)
    for ax, name in zip(axes.flat, names):
        prof = profile_likelihood(cal.problem, cal.whole, name, points=points)
        ax.plot(prof["values"], prof["delta_chi2"], "o-", color="black", ms=3)
        ax.axhline(3.84, color="0.5", ls="--", lw=1)
        v, se = cal.whole.values[name], cal.whole.se[name]
        ax.axvspan(v - 1.96 * se, v + 1.96 * se, color="0.9")
        ax.set_xlabel(name)
        ax.set_ylabel(r"$\Delta\chi^2$")
        ax.set_title(f"{cal.country}: profile of {name}", fontsize=9)
    if path is not None:
        fig.savefig(path, dpi=200)
    return fig
