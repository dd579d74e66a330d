"""Posterior-predictive check figure of an out-of-sample forecast (:mod:`calibration.outofsample`)."""

from __future__ import annotations

__all__ = ["posterior_predictive"]

#: panel titles and y-axis units of the scored series
_LABELS = {"dlnY": ("output growth", "ln Y, per year"), "lam": ("employment rate", "share"),
           "omega": ("wage share", "share of output"), "h": ("private investment", "share of output"),
           "b": ("public debt", "share of output"), "d": ("private (business) debt", "share of output"),
           "e_int": ("emission intensity", "tCO2 per unit output")}


def posterior_predictive(fc, path=None, *, ncols: int = 4):
    """One panel per series: the observed forecast window (black) against the model's forecast (median, and
    the 50% and 90% bands of the parameter draws when ``fc`` has them); the first forecast year is marked
    (dashed line); each title carries the series' out-of-sample R2 (emission intensity: the trends, %/yr).

    Parameters
    ----------
    fc : Forecast
        :func:`calibration.outofsample.forecast`'s result.
    path : path, optional
        Saved with :func:`model.directed_growth.figures.save_figure` (no suffix: .pdf and .png).
    ncols : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    import math

    from model.directed_growth.figures import FONT, OKABE_ITO, pyplot, save_figure

    plt = pyplot(path)
    names = list(_LABELS)
    nrows = math.ceil(len(names) / ncols)
    with plt.rc_context(FONT):
        fig, axes = plt.subplots(nrows, ncols, figsize=(2.3 * ncols, 1.9 * nrows + 0.5), constrained_layout=True,
                                 squeeze=False)
        for ax, name in zip(axes.flat, names):
            x = fc.years[1:] if name == "dlnY" else fc.years
            if name in fc.bands:
                q05, q25, q75, q95 = fc.bands[name]
                ax.fill_between(x, q05, q95, color=OKABE_ITO[2], alpha=0.25, lw=0, label="90%")
                ax.fill_between(x, q25, q75, color=OKABE_ITO[2], alpha=0.45, lw=0, label="50%")
            ax.plot(x, fc.median[name], color=OKABE_ITO[2], lw=1.3, label="model")
            ax.plot(x, fc.data[name], color="black", lw=1.0, label="data")
            ax.axvline(fc.predict_years[0], color="grey", lw=0.8, ls="--")
            title, unit = _LABELS[name]
            s = fc.scores
            if name == "e_int":
                ax.set_yscale("log")
                sub = f"trend {s['e_int_trend_model']:.2f} vs {s['e_int_trend_data']:.2f} %/yr"
            else:
                sub = f"R2 {s[name]:.2f}" + (f" (5-yr means {s['dlnY_5y']:.2f})" if name == "dlnY" else "")
            ax.set_title(f"{title}\n{sub}", fontsize=8)
            ax.set_ylabel(unit, fontsize=7)
            ax.tick_params(labelsize=7)
        for ax in list(axes.flat)[len(names):]:
            ax.axis("off")
        axes.flat[0].legend(frameon=False, fontsize=6)
        what = f"median of {fc.draws} draws" if fc.draws else "posterior mode"
        fig.suptitle(f"{fc.country}: fit {fc.fit_years[0]}-{fc.fit_years[1]}, forecast "
                     f"{fc.predict_years[0]}-{fc.predict_years[1]} from the {fc.predict_years[0]} data "
                     f"(observed inputs: {', '.join(fc.instruments)}; {what})", fontsize=9)
    if path is not None:
        save_figure(fig, path)
    return fig

