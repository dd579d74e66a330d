"""Figures of the joint calibration: each parameter's prior against its posterior."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["prior_vs_posterior"]


def _prior_density(entry, x: np.ndarray) -> np.ndarray:
    from scipy.stats import truncnorm

    if entry.dist == "uniform":
        return np.where((x > entry.low) & (x < entry.high), 1.0 / (entry.high - entry.low), 0.0)
    a, b = (entry.low - entry.mean) / entry.sd, (entry.high - entry.mean) / entry.sd
    return truncnorm.pdf(x, a, b, loc=entry.mean, scale=entry.sd)


def prior_vs_posterior(sample, prior, report: dict | None = None, path=None, *, ncols: int = 5, bins: int = 40,
                       prior_draws: np.ndarray | None = None):
    """One panel per parameter: the prior density (line) against the posterior histogram of every run's
    draws, over the prior's support; the panel title gives the posterior/prior sd ratio and, below
    ``report``'s threshold, "data move it" (:func:`calibration.joint.identification_report`).

    A truncated prior (:mod:`calibration.truncation`: the parameters with a start at rest in 2025) has marginals
    that are not the entries' densities: pass its draws as ``prior_draws`` (e.g.
    :func:`calibration.truncation.truncated_draws` of ``prior.sample``); the line is then their histogram, labelled
    "prior truncated to a start".

    Parameters
    ----------
    sample : JointSample
    prior : JointPrior
        The prior before any truncation (its supports and, without ``prior_draws``, its densities).
    report : dict, optional
        An identification report (computed from ``sample`` and ``prior`` when not given).
    path : path, optional
        Saved with :func:`model.directed_growth.figures.save_figure` (no suffix: .pdf and .png).
    ncols : int
    bins : int
    prior_draws : array, shape (n, k), optional
        Draws of the truncated prior, one column per name of ``prior``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from model.directed_growth.figures import FONT, OKABE_ITO, pyplot, save_figure

    from .joint import identification_report

    plt = pyplot(path)
    rep = report or identification_report(sample, prior)
    x = sample.flat()
    k = len(prior.names)
    nrows = math.ceil(k / ncols)
    with plt.rc_context(FONT):
        fig, axes = plt.subplots(nrows, ncols, figsize=(1.9 * ncols, 1.55 * nrows + 0.4), constrained_layout=True,
                                 squeeze=False)
        for j, (ax, e) in enumerate(zip(axes.flat, prior.entries)):
            grid = np.linspace(e.low, e.high, 200)
            ax.hist(x[:, j], bins=np.linspace(e.low, e.high, bins + 1), density=True, color=OKABE_ITO[2],
                    alpha=0.55, label="posterior")
            if prior_draws is None:
                ax.plot(grid, _prior_density(e, grid), color=OKABE_ITO[0], lw=1.1, label="prior")
            else:
                ax.hist(prior_draws[:, j], bins=np.linspace(e.low, e.high, bins + 1), density=True,
                        histtype="step", color=OKABE_ITO[0], lw=1.1, label="prior truncated to a start")
            ax.set_xlim(e.low, e.high)
            ax.set_yticks([])
            row = rep["parameters"][e.name]
            ax.set_title(f"{e.name}: sd ratio {row['ratio']:.2f}" + ("\ndata move it" if row["moved"] else "\n"),
                         fontsize=8)
        for ax in list(axes.flat)[k:]:
            ax.axis("off")
        axes.flat[0].legend(frameon=False, fontsize=7)
        runs = len(sample.chains)
        fig.suptitle(f"Prior and posterior of {k} parameters ({runs} run{'s' if runs != 1 else ''}, "
                     f"{x.shape[0]:,} draws)", fontsize=9)
    if path is not None:
        save_figure(fig, path)
    return fig
