"""Parameter files: a calibration written as TOML with its provenance, and read back."""

from __future__ import annotations

import datetime as _dt
import os
import subprocess
from pathlib import Path

import numpy as np

from model.directed_growth.factory import directed_growth
from model.directed_growth.start_state import FROM_DATA
from model.errors import CalibrationError

from .posterior import BH_CSV_KEY, BH_HASH_KEY  # re-exported: the Boysen-Hogrefe table's [meta] keys
from .tomlfile import read_toml

__all__ = ["write_params", "read_params", "code_revision", "write_joint_params", "posterior_csv_paths", "BH_CSV_KEY",
           "BH_HASH_KEY"]


def code_revision() -> str:
    """The git commit of the checkout this code runs from (``-dirty`` if files other than the
    parameter files themselves are modified), or the package version outside a checkout."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10)
        if head.returncode == 0 and head.stdout.strip():
            status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no", "--",
                                     ".", ":(exclude)calibration/params"], capture_output=True, text=True,
                                    timeout=10)
            return "git " + head.stdout.strip() + ("-dirty" if status.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return "directed-growth " + version("directed-growth")
    except PackageNotFoundError:
        return "unknown"


def _clean(x):
    """TOML has no NaN or infinity in most readers' eyes: write them as the strings "nan", "inf", "-inf".

    An infinite standard error is that of a parameter the data do not identify
    (:meth:`calibration.fit.Fit.not_identified`)."""
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return float(x) if np.isfinite(x) else "nan" if np.isnan(x) else "inf" if x > 0 else "-inf"
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    return x


def write_params(cal, path: str | os.PathLike, command: str = "") -> Path:
    """Write a :class:`~calibration.pipeline.Calibration` as a parameter file (atomically).

    Tables: ``[meta]`` (country, data vintages, target file, code revision, model
    equations hash, date, command), ``[parameters]`` (name = value: what
    ``dgm compare --params`` reads), ``[uncertainty.NAME]`` (standard error,
    credible interval when sampled, method, source), ``[kept_default]`` (why a
    parameter was not estimated; not the mark-up, which the projection derives from its inflation datum:
    :data:`model.directed_growth.start_state.FROM_DATA`), ``[fit.SERIES]`` (RMSE, R2, n, targeted or
    not), ``[moments.NAME]`` (model against published value), ``[blocks.NAME]``.
    """
    import tomli_w

    path = Path(path)
    post = cal.posterior.summary(0.9) if cal.posterior is not None else {}
    unc = {}
    for name, (value, se, method) in cal.used.items():
        entry = {"value": value, "se": se, "method": method}
        if name in post:
            entry.update(credible_90=[post[name]["lower"], post[name]["upper"]], posterior_median=post[name]["median"])
        unc[name] = entry
    doc = {
        "meta": {"country": cal.country, "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                 "code_revision": code_revision(), "model_equations_hash": directed_growth().equations_hash(),
                 "targets": str(cal.targets.path.name if cal.targets.path else ""), "data": cal.panel_title,
                 "data_vintage": cal.vintages, "command": command, "seconds": cal.seconds,
                 "notes": list(cal.notes)},
        "parameters": {k: v[0] for k, v in cal.used.items()},
        "uncertainty": unc,
        # not the names the projection derives from its start data (the mark-up): an ensemble cannot draw them
        "kept_default": {k: why for k, why in cal.rejected.items() if k not in FROM_DATA},
        "fit": cal.series_fit,
        "moments": cal.moments,
        "blocks": {name: ({"error": str(f)} if isinstance(f, Exception) else
                          {"equation": f.equation, "n_obs": f.n_obs, "rmse": f.rmse, "r2": f.r2,
                           "estimates": {n: [f.values[n], f.se[n]] for n in f.names},
                           "weakly_identified": f.weakly_identified()})
                   for name, f in cal.blocks.items()},
    }
    if cal.whole is not None:
        doc["whole_model"] = {"parameters": list(cal.whole.names), "rmse_scaled": cal.whole.rmse,
                              "correlation": cal.whole.correlation().tolist(),
                              "condition_number": cal.whole_report.get("condition_number"),
                              "evaluations": cal.whole_report.get("evaluations", {}),
                              "weakly_identified": cal.whole.weakly_identified(),
                              "not_identified": cal.whole.not_identified()}
    if cal.posterior is not None:
        doc["posterior"] = {"draws": int(cal.posterior.samples.shape[0]), "acceptance": cal.posterior.acceptance,
                            "autocorr_steps": (cal.posterior.autocorr.tolist() if cal.posterior.autocorr is not None
                                               else "chain too short for a reliable estimate")}
    from model.files import write_atomic

    text = tomli_w.dumps(_clean(doc))
    write_atomic(path, lambda tmp: tmp.write_text(text))
    return path


def read_params(path: str | os.PathLike) -> dict[str, float]:
    """The ``[parameters]`` table of a parameter file, checked against the model's parameters."""
    doc = read_toml(path, "parameter file")
    table = doc.get("parameters")
    if not isinstance(table, dict):
        raise CalibrationError(f"{path}: no [parameters] table")
    known = set(directed_growth().parameters)
    bad = sorted(set(table) - known)
    if bad:
        raise CalibrationError(f"{path}: unknown parameter(s) {', '.join(bad)}")
    return {k: float(v) for k, v in table.items()}


def posterior_csv_paths(path: str | os.PathLike, country: str) -> dict[str, Path]:
    """The posterior tables a joint parameter file at ``path`` names: ``<country>_posterior.csv`` (the
    Mazzucato variant) and ``<country>_posterior_bh.csv`` (Boysen-Hogrefe), beside it."""
    d = Path(path).parent
    c = country.lower()
    return {"mazzucato": d / f"{c}_posterior.csv", "boysen_hogrefe": d / f"{c}_posterior_bh.csv"}


#: most rows of a written posterior table: a longer pooled table (8 runs x 320 particles x 10 kept sweeps = 25,600
#: rows, 10.5 MB) is thinned by :func:`_thinned` to every k-th state of each particle, k = ceil(rows /
#: POSTERIOR_ROWS), which keeps each run's share and every particle (not one particle in k: a run's rows are its kept
#: sweeps one after another, each over the same particles); the [posterior] summary is computed from the whole table
POSTERIOR_ROWS = 6400


def _thinned(table: dict[str, np.ndarray], period: int | None = None) -> tuple[dict[str, np.ndarray], int]:
    """``table`` thinned to at most :data:`POSTERIOR_ROWS` rows, and the thinning factor k.

    ``period`` is the SMC population [rows per sweep]: a run's rows are its kept sweeps one after another, each over
    the same particles, so every k-th row would keep one particle in k at every sweep (with 320 particles and
    k = 4: a quarter of the particles, each at all 10 of its strongly correlated states). The row of particle ``i``
    in sweep ``s`` is kept when ``(i + s) % k == 0``: every particle at every k-th of its states, each run's share
    kept. None: every k-th row."""
    n = len(next(iter(table.values())))
    k = max(1, -(-n // POSTERIOR_ROWS))
    rows = np.arange(n)
    while True:  # a period that is not a multiple of k can keep a few rows more than n / k
        keep = rows[(rows % period + rows // period) % k == 0] if period else rows[::k]
        if len(keep) <= POSTERIOR_ROWS:
            return {name: v[keep] for name, v in table.items()}, k
        k += 1


def write_joint_params(jc, path: str | os.PathLike, command: str = "", *, force: bool = False) -> Path:
    """Write a :class:`~calibration.pipeline.JointCalibration` as a parameter file and its posterior tables.

    Tables: ``[meta]`` (country, code revision, model equations hash, date, command, settings, wall times, the
    design, and :data:`calibration.posterior.POSTERIOR_CSV_KEY` / ``POSTERIOR_HASH_KEY`` naming
    ``<country>_posterior.csv`` and its SHA-256; :data:`BH_CSV_KEY` / :data:`BH_HASH_KEY` the Boysen-Hogrefe
    table; each table thinned to at most :data:`POSTERIOR_ROWS` rows), ``[parameters]`` (posterior medians;
    ``g_Z`` left out: the projection derives it; and the block estimates over the window it held fixed,
    :func:`calibration.pipeline.held_estimates`), ``[uncertainty.NAME]`` (median, sd, 90 % interval, method; a held
    block estimate: value, standard error, block), ``[replay_only]`` (held block estimates the 2025 projection
    derives from its start data instead, the mark-up: value, standard error, block), ``[kept_default]`` (the
    block parameters whose default is kept, with the reason), ``[posterior.NAME]`` (mean, median, 90 %
    interval; the joint posterior's ESS, ESS from the runs' spread, Kish ESS, R-hat across stage-2 runs and PASS/FAIL
    against ESS > 400 and R-hat < 1.01; for stage-1 parameters the stage-1 MCMC tau, ESS and R-hats across runs,
    within runs and over walkers), ``[posterior_bh.NAME]``, ``[identification]``
    (posterior/prior sd ratio per parameter, "moved" below 0.5), ``[irf.VARIANT]`` (model response at the
    posterior median against each target), ``[prior.NAME]`` (range, source, tag) and ``[stage2.VARIANT]``
    (method, runs, evaluations, Kish ESS, converged, and per run its record: nautilus ``runs_detail``, SMC
    ``temperatures``).

    Every file is written through a temporary file and renamed (a crash loses nothing); the tables first, the
    TOML naming their hashes last.

    Raises
    ------
    CalibrationError
        A file exists and ``force`` is False.
    """
    import tomli_w

    from model.files import write_atomic

    from .posterior import POSTERIOR_CSV_KEY, POSTERIOR_HASH_KEY, summary_key, write_posterior_csv
    from .twostage import STAGE1_REASON, STAGE2_REASON

    path = Path(path)
    csvs = {v: p for v, p in posterior_csv_paths(path, jc.country).items() if v in jc.stage2}
    if not force:
        exist = [str(p) for p in [path, *csvs.values()] if p.exists()]
        if exist:
            raise CalibrationError(f"{', '.join(exist)} already exist(s); pass --force (force=True) to overwrite")
    thinned = {v: _thinned(jc.table(v), jc.stage2[v].population) for v in csvs}
    hashes = {v: write_posterior_csv(p, thinned[v][0]) for v, p in csvs.items()}
    main = "mazzucato" if "mazzucato" in jc.stage2 else next(iter(jc.stage2))
    summary = jc.summary(main)
    meta = {"country": jc.country, "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "code_revision": code_revision(), "model_equations_hash": directed_growth().equations_hash(),
            "command": command,
            "method": ("joint two-stage: MCMC (stage 1) + " + ("nested sampling (nautilus)" if
                       jc.settings.get("sampler") == "nautilus" else "adaptive tempered SMC") +
                       " over every parameter (stage 2)"),
            "stage1_parameters": list(jc.prior1.names), "stage1_reason": STAGE1_REASON,
            "stage2_parameters": list(jc.prior2.names), "stage2_reason": STAGE2_REASON,
            "replay_years": list(jc.window), "variant": main, "settings": jc.settings, "seconds": jc.seconds,
            "notes": list(jc.notes) + [f"posterior table {v}: every {k}th state of each particle "
                                       f"of the pooled table ({len(next(iter(jc.table(v).values())))} rows; "
                                       "the [posterior] summary from all of them)" for v, (_, k) in thinned.items()
                                       if k > 1]}
    if main in hashes:
        meta[POSTERIOR_CSV_KEY], meta[POSTERIOR_HASH_KEY] = csvs[main].name, hashes[main]
    if "boysen_hogrefe" in hashes and main != "boysen_hogrefe":
        meta[BH_CSV_KEY], meta[BH_HASH_KEY] = csvs["boysen_hogrefe"].name, hashes["boysen_hogrefe"]
    params = {n: r["median"] for n, r in summary.items() if n != "g_Z"}
    unc = {n: {"value": r["median"], "se": r["sd"], "credible_90": [r["q05"], r["q95"]], "method": r["method"]}
           for n, r in summary.items() if n != "g_Z"}
    replay_only = {}
    for n, (v, se, how) in jc.held.items():  # block estimates over the window the posterior held fixed
        if n in FROM_DATA:  # historical runs only: the projection derives it from its start data
            replay_only[n] = {"value": v, "se": se, "method": how}
            continue
        params[n] = v
        unc[n] = {"value": v, "se": se, "method": how}
    doc = {"meta": meta, "parameters": params, "uncertainty": unc, "kept_default": dict(jc.kept),
           "replay_only": replay_only,
           "posterior": summary,
           "identification": {n: {"sd_ratio": r["sd_ratio"], "moved": r["sd_ratio"] < 0.5,
                                  "stage1_sd_ratio": jc.identification["parameters"].get(n, {}).get("ratio",
                                                                                                   float("nan"))}
                              for n, r in summary.items()},
           "irf": jc.irf,
           "prior": {e["name"]: {"dist": e["dist"], "range": [e["low"], e["high"]], "source": e["source"],
                                 "tag": e["tag"]} for e in jc.prior1.table() + jc.prior2.table()},
           "stage2": {v: {"method": ("nested sampling, nautilus (calibration.nested)"
                                     if jc.settings.get("sampler") == "nautilus"
                                     else "adaptive tempered SMC (calibration.smc)"), "runs": len(r.runs),
                          "evaluations": r.evaluations, "kish_ess": r.kish_ess, "converged": r.converged(),
                          ("runs_detail" if jc.settings.get("sampler") == "nautilus" else "temperatures"):
                              r.iterations}
                      for v, r in jc.stage2.items()},
           "laplace": {"mode": dict(zip(jc.prior1.names, map(float, jc.laplace["mode"]))),
                       "cost": jc.laplace["cost"]}}
    for v in jc.stage2:
        if v != main:
            doc[summary_key(v, main)] = jc.summary(v)
    text = tomli_w.dumps(_clean(doc))
    write_atomic(path, lambda tmp: tmp.write_text(text))
    return path
