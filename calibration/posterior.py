"""Parameter draws from a calibrated parameter file, for ensembles.

Estimated parameters are drawn from their calibrated uncertainty:

* jointly, when the file's ``[meta]`` names a table of posterior draws (``posterior_csv =
  "<country>_posterior.csv"`` beside the file, with its ``posterior_sha256``): whole rows are resampled
  with replacement, so the draws keep the posterior's correlations; the table's SHA-256 is checked first
  and the table is parsed as numbers only (:func:`read_posterior_csv`);
* otherwise, and for estimated parameters the table lacks, independently: the MCMC credible interval where
  the file has one, else a normal at the estimate with its standard error, truncated to the declared bounds.

``g_Z`` is derived by the model factory draw by draw (the natural rate ``alpha0 + n``). Every other
tunable parameter with a stated prior (:data:`model.directed_growth.priors.PRIORS`, here
:data:`STRUCTURAL_PRIORS`) is drawn uniformly from it (or with its stated shape over it: ``pi3``,
:data:`model.directed_growth.priors.SHAPES`), so that its uncertainty is carried too; parameters the
data did not identify (``[kept_default]``) are drawn from their prior where they have one, else around
their default. The tunable parameters never drawn are listed with their reasons in
:data:`model.directed_growth.priors.FIXED`.

``dgm ensemble`` truncates these draws to the region where the model has a start at rest, and a locally stable
one (An & Schorfheide 2007; :func:`model.directed_growth.attribution.stable_at_rest`): a draw without one is
replaced by the next candidate with one
(:func:`model.analysis.draws.truncate_to_start`), and the share replaced is reported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from model.directed_growth.priors import PRIORS, shape_draws
from model.errors import CalibrationError

from .tomlfile import read_toml

__all__ = ["POSTERIOR_CSV_KEY", "POSTERIOR_HASH_KEY", "BH_CSV_KEY", "BH_HASH_KEY", "VARIANT_KEYS", "VARIANTS",
           "MissingVariantError", "summary_key", "variant_medians",
           "POSTERIOR_META_COLUMNS", "STRUCTURAL_PRIORS", "file_parameters", "posterior_draws", "read_posterior_csv",
           "write_posterior_csv"]

#: uniform prior ranges drawn by calibrated ensembles for every parameter the file does not estimate:
#: name -> (low, high, rationale), the model's own prior table (model.directed_growth.priors.PRIORS: zero included
#: where a mechanism may be absent, negative crowding-in allowed), so calibrated ensembles and prior ensembles draw
#: these from the same ranges ("PRIORS minus the posterior")
STRUCTURAL_PRIORS: dict[str, tuple[float, float, str]] = dict(PRIORS)

#: ``[meta]`` keys of a parameter file naming its joint posterior draws (a file name beside the parameter file)
#: and the table's SHA-256 (hex digest of its bytes)
POSTERIOR_CSV_KEY, POSTERIOR_HASH_KEY = "posterior_csv", "posterior_sha256"
#: ``[meta]`` keys of the Boysen-Hogrefe variant's posterior table (a joint calibration writes both variants:
#: :func:`calibration.paramfile.write_joint_params`)
BH_CSV_KEY, BH_HASH_KEY = "posterior_csv_bh", "posterior_sha256_bh"
#: impulse-response target variant -> the ``[meta]`` keys of its posterior table and hash
#: (:func:`calibration.irf.load_irf_targets`: the Mazzucato evidence, the default, or Boysen-Hogrefe's
#: post-1985 responses with temporary crowding-out of private R&D); the one list of the variants
VARIANT_KEYS: dict[str, tuple[str, str]] = {"mazzucato": (POSTERIOR_CSV_KEY, POSTERIOR_HASH_KEY),
                                            "boysen_hogrefe": (BH_CSV_KEY, BH_HASH_KEY)}
#: the impulse-response target variants, default first (the keys of :data:`VARIANT_KEYS`; also
#: :data:`calibration.irf.VARIANTS`, the ``--variant`` choices of ``dgm calibrate``, ``ensemble``, ``sensitivity``,
#: ``figures`` and ``compare``)
VARIANTS: tuple[str, ...] = tuple(VARIANT_KEYS)
#: columns of a posterior table that are not parameters (sampler bookkeeping), ignored by the draws
POSTERIOR_META_COLUMNS = ("log_posterior", "run", "walker", "step")
#: largest posterior table read [rows]
_MAX_ROWS = 1_000_000


class MissingVariantError(CalibrationError):
    """A parameter file has no posterior table for the variant asked for (a block-wise file has none).

    Attributes
    ----------
    path : str
        The parameter file.
    variant : str
        The variant asked for (one of :data:`VARIANTS`).
    available : tuple of str
        The variants the file has a posterior table for, in :data:`VARIANTS` order (empty: not a joint
        calibration).
    """

    def __init__(self, path: str, variant: str, available: tuple[str, ...]):
        self.path, self.variant, self.available = path, variant, tuple(available)
        super().__init__(f"{path} has no {variant} posterior table ([meta] {VARIANT_KEYS[variant][0]}): variants in "
                         f"the file: {', '.join(available) or 'none (not a joint calibration: dgm calibrate --joint)'}")


def _truncnorm(rng, mean: float, sd: float, lo: float | None, hi: float | None, n: int) -> np.ndarray:
    from scipy.stats import truncnorm

    a = -np.inf if lo is None else (lo - mean) / sd
    b = np.inf if hi is None else (hi - mean) / sd
    return truncnorm.rvs(a, b, loc=mean, scale=sd, size=n, random_state=rng)


def _number(path: str, name: str, field: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise CalibrationError(f"{path}: [uncertainty.{name}] {field} must be a finite number, got {value!r}")
    return float(value)


def _spread(path: str, name: str, u, bounds: tuple[float | None, float | None]) -> tuple[float, float, str]:
    """Centre and standard deviation of the draws of ``name`` from its ``[uncertainty]`` entry (validated).

    An SE that is not finite and positive, or wider than the declared bounds (the
    truncated normal would then be flat over the bounds, the estimate saying nothing),
    is refused: such a parameter belongs under ``[kept_default]``. Without two finite
    bounds the SE may be at most 1e6 times the estimate's magnitude (at least 1).
    """
    where = f"{path}: [uncertainty.{name}]"
    if not isinstance(u, dict):
        raise CalibrationError(f"{where} must be a table with value and se (or credible_90), got {u!r}")
    if "value" not in u:
        raise CalibrationError(f"{where} has no value")
    value = _number(path, name, "value", u["value"])
    if "credible_90" in u:  # MCMC: a normal matching the 90% interval
        q = u["credible_90"]
        if not isinstance(q, list) or len(q) != 2:
            raise CalibrationError(f"{where} credible_90 must be [q05, q95], got {q!r}")
        q05, q95 = (_number(path, name, "credible_90", x) for x in q)
        if not q05 < q95:
            raise CalibrationError(f"{where} credible_90 must have q05 < q95, got {q!r}")
        mean = _number(path, name, "posterior_median", u.get("posterior_median", value))
        sd, field = (q95 - q05) / (2 * 1.6448536269514722), "credible_90"
        how = "MCMC 90% credible interval (normal approximation)"
    else:
        if "se" not in u:
            raise CalibrationError(f"{where} has no se (standard error) and no credible_90; add one, or list "
                                   f"{name} under [kept_default]")
        if u["se"] == "inf" or (isinstance(u["se"], float) and u["se"] == np.inf):
            raise CalibrationError(f"{where} is not identified by the data (se = inf, see [whole_model] "
                                   f"not_identified): draws would follow only its prior; list {name} under "
                                   "[kept_default] or give it a prior with structural=")
        mean, sd, field = value, _number(path, name, "se", u["se"]), "se"
        how = f"normal(estimate, SE) truncated to bounds; {u.get('method', '')}"
    lo, hi = bounds
    if not sd > 0:
        raise CalibrationError(f"{where} {field} gives no usable standard error ({sd:g}): it must be positive")
    if lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi):
        if sd > hi - lo:
            raise CalibrationError(f"{where} {field} gives a standard error {sd:g} wider than the declared bounds "
                                   f"[{lo:g}, {hi:g}]: the draws would be uniform over the bounds; list {name} "
                                   "under [kept_default] instead")
    elif sd > 1e6 * max(1.0, abs(mean)):
        raise CalibrationError(f"{where} {field} gives a standard error {sd:g}, over a million times the estimate "
                               f"{mean:g}: not usable")
    return mean, sd, how


def write_posterior_csv(path: str | os.PathLike, draws: Mapping[str, np.ndarray]) -> str:
    """Write joint posterior draws as the CSV table :func:`read_posterior_csv` reads, and return its SHA-256
    (hex digest) for the parameter file's ``[meta]`` (:data:`POSTERIOR_CSV_KEY`, :data:`POSTERIOR_HASH_KEY`).

    Parameters
    ----------
    path : path-like
        The table to write (``<country>_posterior.csv`` beside the parameter file); written whole
        (:func:`model.files.write_atomic`).
    draws : mapping
        ``name -> array`` of equal length: the draws of each parameter [its units], row by row jointly.

    Returns
    -------
    str
        The SHA-256 hex digest of the bytes written.

    Raises
    ------
    CalibrationError
        No columns, arrays of unequal length or not 1-D, or values that are not finite.
    """
    cols = {str(k): np.asarray(v, dtype=float) for k, v in draws.items()}
    if not cols or any(v.ndim != 1 for v in cols.values()) or len({v.size for v in cols.values()}) != 1:
        raise CalibrationError("posterior draws must be one or more 1-D arrays of equal length")
    if not all(np.isfinite(v).all() for v in cols.values()):
        raise CalibrationError("posterior draws must be finite numbers")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    w.writerows(zip(*(map(repr, v.tolist()) for v in cols.values())))
    raw = buf.getvalue().encode("utf-8")
    from model.files import write_atomic

    write_atomic(Path(path), lambda tmp: tmp.write_bytes(raw))
    return hashlib.sha256(raw).hexdigest()


def read_posterior_csv(path: str | os.PathLike, *, sha256: str | None = None, parameters=None,
                       hash_key: str = POSTERIOR_HASH_KEY) -> dict[str, np.ndarray]:
    """Joint posterior draws from a CSV table: one header row of names, then one row of numbers per draw.

    The file is read as data only: names are checked against ``parameters`` and every field is
    parsed with ``float`` (no evaluation of any kind).

    Parameters
    ----------
    path : path-like
        The table (``<country>_posterior.csv``).
    sha256 : str, optional
        Expected hex digest of the file's bytes; a mismatch raises.
    parameters : container of str, optional
        Valid parameter names; other columns raise, except :data:`POSTERIOR_META_COLUMNS`
        (dropped).
    hash_key : str
        The ``[meta]`` key ``sha256`` came from, named in the mismatch error (:data:`BH_HASH_KEY` for the
        Boysen-Hogrefe table).

    Returns
    -------
    dict
        ``name -> array`` of the draws (rows in file order), parameter columns only.

    Raises
    ------
    CalibrationError
        Missing file, hash mismatch, no rows, a ragged row, a field that is not a finite number,
        duplicate or unknown column names (one line each).
    """
    path = Path(path)
    if not path.is_file():
        raise CalibrationError(f"posterior draws not found: {path}")
    raw = path.read_bytes()
    if sha256 is not None:
        got = hashlib.sha256(raw).hexdigest()
        if not isinstance(sha256, str) or got != sha256.strip().lower():
            raise CalibrationError(f"{path}: SHA-256 {got} does not match {hash_key} {sha256!r} of the "
                                   "parameter file: the draws are not those calibrated; restore the file or "
                                   "recalibrate")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CalibrationError(f"{path}: not UTF-8 text; posterior draws are a CSV table of numbers") from None
    rows = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(rows, [])]
    if not header or not all(header):
        raise CalibrationError(f"{path}: the first row must name every column (parameter names)")
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise CalibrationError(f"{path}: column(s) {', '.join(map(repr, dup))} given twice")
    if parameters is not None:
        bad = [h for h in header if h not in parameters and h not in POSTERIOR_META_COLUMNS]
        if bad:
            shown = ", ".join(repr(h[:40]) for h in bad[:5])
            raise CalibrationError(f"{path}: column(s) {shown} are not parameters of the model (bookkeeping "
                                   f"columns allowed: {', '.join(POSTERIOR_META_COLUMNS)})")
    values: list[list[float]] = []
    for k, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise CalibrationError(f"{path}: line {k} has {len(row)} fields, the header {len(header)}")
        try:
            vals = [float(x) for x in row]
        except ValueError:
            raise CalibrationError(f"{path}: line {k} holds a field that is not a number") from None
        if not all(np.isfinite(vals)):
            raise CalibrationError(f"{path}: line {k} holds a value that is not finite")
        values.append(vals)
        if len(values) > _MAX_ROWS:
            raise CalibrationError(f"{path}: more than {_MAX_ROWS:,} rows; thin the draws")
    if not values:
        raise CalibrationError(f"{path}: no rows of draws")
    table = np.array(values, dtype=float)
    return {h: table[:, j].copy() for j, h in enumerate(header) if h not in POSTERIOR_META_COLUMNS}


def _joint_table(path: str, doc: dict, parameters,
                 variant: str | None = None) -> dict[str, np.ndarray] | None:
    """The posterior table of ``variant`` named in ``doc``'s ``[meta]`` (checked), or None when the file names
    no joint table at all and no variant was named (None: the default, Mazzucato, table if the file has one);
    a named ``variant`` the file has no table for raises."""
    named, variant = variant is not None, variant or "mazzucato"
    if variant not in VARIANT_KEYS:
        raise CalibrationError(f"unknown variant {variant!r}; valid: {', '.join(VARIANT_KEYS)}")
    meta = doc.get("meta", {})
    meta = meta if isinstance(meta, dict) else {}
    key, hkey = VARIANT_KEYS[variant]
    name = meta.get(key)
    if name is None:
        if named:
            raise MissingVariantError(path, variant, tuple(v for v, (k, _) in VARIANT_KEYS.items() if k in meta))
        return None
    if not isinstance(name, str) or not name or Path(name).name != name:
        raise CalibrationError(f"{path}: [meta] {key} must be a file name beside the parameter "
                               f"file, got {name!r}")
    digest = meta.get(hkey)
    if not isinstance(digest, str):
        raise CalibrationError(f"{path}: [meta] {key} needs {hkey} (the table's SHA-256 hex digest)")
    return read_posterior_csv(Path(path).parent / name, sha256=digest, parameters=parameters, hash_key=hkey)


def summary_key(variant: str, main: str) -> str:
    """The table of a joint parameter file summarising ``variant``'s posterior (median, sd, quantiles per
    parameter; :func:`calibration.paramfile.write_joint_params`).

    Parameters
    ----------
    variant : str
        One of :data:`VARIANTS`.
    main : str
        The file's own variant (``[meta] variant``: Mazzucato when the calibration fitted it), whose summary is
        ``[posterior]`` and whose medians are ``[parameters]``.

    Returns
    -------
    str
        ``"posterior"`` for the file's own variant, else ``"posterior_bh"`` (Boysen-Hogrefe) or
        ``"posterior_<variant>"``.
    """
    return "posterior" if variant == main else f"posterior_{'bh' if variant == 'boysen_hogrefe' else variant}"


def variant_medians(path: str | os.PathLike, variant: str) -> dict[str, float]:
    """The posterior medians of one variant of a joint parameter file: the values ``dgm compare --variant`` runs
    at.

    Parameters
    ----------
    path : path-like
        A parameter file written by ``dgm calibrate --joint`` (the shipped ones:
        ``calibration.param_file(country, joint=True)``).
    variant : {"mazzucato", "boysen_hogrefe"}
        Which posterior (:data:`VARIANTS`): the file's own (``[meta] variant``), whose medians are
        ``[parameters]``, or the other one it summarises (``[posterior_bh]``).

    Returns
    -------
    dict
        Parameter name -> posterior median (``g_Z`` left out: the model derives it). Not checked against the
        model: the caller checks names and bounds.

    Raises
    ------
    MissingVariantError
        The file has no posterior table of ``variant`` (a block-wise file has none), or no summary of it.
    CalibrationError
        Unknown ``variant``; unreadable file; a summary without a finite ``median`` for every parameter.
    """
    path = os.fspath(path)
    if variant not in VARIANT_KEYS:
        raise CalibrationError(f"unknown variant {variant!r}; valid: {', '.join(VARIANTS)}")
    doc = read_toml(path, "parameter file")
    meta = doc.get("meta", {})
    meta = meta if isinstance(meta, dict) else {}
    main = meta.get("variant", VARIANTS[0])
    have = tuple(v for v, (k, _) in VARIANT_KEYS.items() if k in meta)
    if variant not in have or (variant != main and summary_key(variant, main) not in doc):
        raise MissingVariantError(path, variant, tuple(v for v in have if v == main or summary_key(v, main) in doc))
    if variant == main:
        table = doc.get("parameters")
        if not isinstance(table, dict):
            raise CalibrationError(f"{path}: expected a [parameters] table of name = value")
        return {k: v for k, v in table.items() if k != "g_Z"}
    key = summary_key(variant, main)
    table = doc[key]
    if not isinstance(table, dict):
        raise CalibrationError(f"{path}: [{key}] must be a table of parameter tables")
    bad = sorted(k for k, r in table.items() if not isinstance(r, dict) or isinstance(r.get("median"), bool)
                 or not isinstance(r.get("median"), (int, float)) or not np.isfinite(r["median"]))
    if bad:
        raise CalibrationError(f"{path}: [{key}] must give each parameter a finite median; "
                               f"{', '.join(bad[:5])}{', ...' if len(bad) > 5 else ''} lack one")
    return {k: float(r["median"]) for k, r in table.items() if k != "g_Z"}


def file_parameters(path: str | os.PathLike, *, kept_defaults: bool = True) -> set[str]:
    """Names of the parameters a calibrated parameter file accounts for: those it estimates (``[uncertainty]`` and
    the columns of its joint posterior table), whose draws replace their priors, and (``kept_defaults``) those
    it names in ``[kept_default]`` (the data did not identify them: drawn from their stated prior)."""
    path = os.fspath(path)
    doc = read_toml(path, "parameter file")
    names = set(doc.get("uncertainty", {})) | (set(doc.get("kept_default", {})) if kept_defaults else set())
    table = _joint_table(path, doc, None)
    return (names | set(table or {})) - {"g_Z"}


def posterior_draws(path: str | os.PathLike, n: int, *, seed: int = 0, system=None,
                    structural: Mapping[str, tuple[float, float]] | bool = True, kept_defaults: bool = True,
                    variant: str | None = None):
    """Draws of the calibrated parameters (and stated priors) for :func:`model.ensemble`.

    Parameters
    ----------
    path : path-like
        A parameter file written by ``dgm calibrate``; the committed ones by country:
        :func:`calibration.param_file` (``param_file("usa")``, the block-wise one; ``param_file("usa",
        joint=True)``, the joint one and the commands' default).
    n : int
        Number of draws.
    seed : int
        Seed (same seed, same draws).
    system : System, optional
        The model (for declared bounds); default ``directed_growth()``.
    structural : bool or mapping
        ``True``: also draw every parameter of :data:`STRUCTURAL_PRIORS` the file does not estimate,
        uniformly over its stated range, or with its stated shape over it where it has one
        (:data:`model.directed_growth.priors.SHAPES`: ``pi3``); a mapping ``name -> (low, high)`` replaces
        them; ``False``: calibrated parameters only.
    kept_defaults : bool
        Draw the parameters the data did not identify: from their stated prior where they have one,
        else uniformly over their default +-50% (within the declared bounds).
    variant : {"mazzucato", "boysen_hogrefe"}, optional
        Which joint posterior table of a joint calibration to resample (:data:`VARIANT_KEYS`): the one fitted to
        the Mazzucato evidence on mission R&D or to Boysen-Hogrefe's (2025) post-1985 responses. None (default):
        the Mazzucato table of a joint calibration, or a block-wise file's blocks; a named variant must be in
        the file (a block-wise file has none).

    Returns
    -------
    pandas.DataFrame
        One row per draw; ``df.attrs["sources"]`` says how each column was drawn.

    Raises
    ------
    CalibrationError
        Missing or invalid file; a posterior table whose SHA-256 does not match ``[meta]``, or that
        is not a table of finite numbers under parameter names, or with values outside the declared
        bounds; an ``[uncertainty]`` entry without ``value`` or ``se``/``credible_90``, with non-numeric fields,
        or with an SE that is not usable (not positive, or wider than the declared bounds); unknown names.
    MissingVariantError
        A ``variant`` the file has no table for (a :class:`~model.errors.CalibrationError`).
    """
    import pandas as pd

    from model.directed_growth.factory import directed_growth

    path = os.fspath(path)
    doc = read_toml(path, "parameter file")
    if "parameters" not in doc or "uncertainty" not in doc:
        raise CalibrationError(f"{path} is not a calibrated parameter file (no [parameters]/[uncertainty])")
    n = int(n)
    if n < 1:
        raise CalibrationError(f"the number of draws must be positive, got {n}")
    system = system or directed_growth(overrides=doc["parameters"])
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    sources: dict[str, str] = {}
    stated: set[str] = set()  # drawn uniformly over their stated prior range (then shaped: priors.SHAPES)
    if not isinstance(doc["uncertainty"], dict):
        raise CalibrationError(f"{path}: [uncertainty] must be a table of parameter tables")
    unknown = sorted(k for k in doc["uncertainty"] if k not in system.parameters)
    if unknown:
        raise CalibrationError(f"{path}: [uncertainty] names unknown parameter(s) {', '.join(unknown)} of model "
                               f"{system.name!r}")
    kept = doc.get("kept_default", {})
    if not isinstance(kept, dict) or any(k not in system.parameters for k in kept):
        raise CalibrationError(f"{path}: [kept_default] must be a table of the model's parameter names")
    joint = _joint_table(path, doc, system.parameters, variant)
    variant = variant or "mazzucato"
    if joint:
        joint.pop("g_Z", None)  # derived by the model factory
        rows = rng.integers(0, len(next(iter(joint.values()))), n)
        csv_name = doc["meta"][VARIANT_KEYS[variant][0]]
        for name in sorted(joint):
            lo, hi = system[name].bounds
            v = joint[name]
            if (lo is not None and v.min() < lo) or (hi is not None and v.max() > hi):
                raise CalibrationError(f"{csv_name}: draws of {name} span [{v.min():.4g}, {v.max():.4g}], outside "
                                       f"its declared bounds [{lo}, {hi}]")
            cols[name] = v[rows]
            sources[name] = (f"joint posterior ({variant} impulse-response targets): rows of {csv_name} "
                             f"resampled with replacement ({len(v)} draws)")
    for name in sorted(doc["uncertainty"]):
        if name == "g_Z" or name in cols:
            continue  # g_Z: derived by the model factory from alpha0 + n (a parameter file written before issue 12)
        lo, hi = system[name].bounds
        mean, sd, how = _spread(path, name, doc["uncertainty"][name], (lo, hi))
        cols[name] = _truncnorm(rng, mean, sd, lo, hi, n)
        sources[name] = how
    if kept_defaults:
        for name in sorted(kept):
            if name in cols:
                continue
            if name in STRUCTURAL_PRIORS:
                a, b, why = STRUCTURAL_PRIORS[name]
                cols[name] = rng.uniform(a, b, n)
                stated.add(name)
                sources[name] = f"not identified by the data: its stated prior, uniform [{a:.4g}, {b:.4g}] ({why})"
                continue
            d = system[name].default
            lo, hi = system[name].bounds
            a, b = (0.5 * d, 1.5 * d) if d > 0 else (1.5 * d, 0.5 * d) if d < 0 else (lo, hi)
            a, b = max(a, lo if lo is not None else a), min(b, hi if hi is not None else b)
            cols[name] = rng.uniform(a, b, n)
            sources[name] = f"not identified by the data: uniform [{a:.4g}, {b:.4g}] around the literature default"
    if structural:
        pri = ({k: v[:2] for k, v in STRUCTURAL_PRIORS.items()} if structural is True else dict(structural))
        for name in sorted(pri):
            if name in cols or name in kept:
                continue
            if name not in system.parameters:
                raise CalibrationError(f"prior for {name!r}, not a parameter of model {system.name!r}")
            a, b = map(float, pri[name])
            cols[name] = rng.uniform(a, b, n)
            if name in STRUCTURAL_PRIORS and (a, b) == STRUCTURAL_PRIORS[name][:2]:
                stated.add(name)
            sources[name] = STRUCTURAL_PRIORS[name][2] if name in STRUCTURAL_PRIORS else f"uniform [{a}, {b}]"
    df = shape_draws(pd.DataFrame(cols), stated)  # a prior not uniform over its range (e.g. pi3): its shape
    df.index.name = "draw"
    df.attrs["method"] = (f"posterior draws from {os.path.basename(path)}"
                          f"{f' ({variant} variant)' if joint else ''}, seed {seed}")
    df.attrs["sources"] = sources
    return df
