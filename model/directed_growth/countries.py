"""Country start states shipped with the package: the United States and the United Kingdom in 2025.

The values are computed from the calibration data (PWT 10.01, IMF ICSD 2021, JST R6, GCB 2022v27,
FRED-QD 2024-12) by :mod:`calibration.start_state` and stored as TOML files in the ``countries``
folder beside this module, each value with its series, files (with sha256), last data year and the
rule that carries it to 2025. This module only reads those files (with :mod:`tomllib`: data, never code).
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import numpy as np

from ..core.levers import Schedule, piecewise
from ..errors import ModelError

__all__ = ["COUNTRIES", "COUNTRY_DIR", "CountryStart", "country_start"]

#: the countries with a start state (ISO 3166-1 alpha-3)
COUNTRIES = ("USA", "GBR")

#: folder of the start-state files (``usa.toml``, ``gbr.toml``) in a checkout or an unzipped installation
COUNTRY_DIR = Path(__file__).with_name("countries")

#: scalar fields of :class:`CountryStart`, in the order of the files
SCALARS = ("Y", "N", "lam", "omega", "K_priv_Y", "K_G_Y", "delta", "i_G", "g_C", "h", "b", "l_F", "l_H", "E_dom",
           "alpha0", "g_Y_hist", "g_N_hist", "infl")


@dataclass(frozen=True)
class CountryStart:
    """A country's start-year values (money in TUSD of 2017 PPP, the same unit for both countries).

    Attributes
    ----------
    code : str
        ISO 3166-1 alpha-3 code (``"USA"``, ``"GBR"``).
    name : str
        Country name.
    year : int
        Start year [calendar year].
    Y : float
        Output, real GDP (PWT rgdpo) [TUSD/year].
    N : float
        Labour force [million persons].
    lam : float
        Employment rate, 1 - unemployment rate [dimensionless].
    omega : float
        Wage share (PWT labsh) [dimensionless].
    K_priv_Y : float
        Private fixed capital over output, incl. residential capital [year].
    K_G_Y : float
        Public capital over output (IMF ICSD) [year].
    delta : float
        Depreciation rate of the capital stock (PWT) [1/year].
    i_G : float
        Public investment over output [dimensionless].
    g_C : float
        Government consumption over output (PWT csh_g, at current PPPs) [dimensionless].
    h : float
        Private investment over output [dimensionless].
    b : float
        General government debt over output (JST) [year].
    l_F : float
        Firm debt over output (JST bdebt, broad business debt) [year].
    l_H : float
        Household debt over output (JST thh, bank loans only) [year].
    E_dom : float
        Territorial fossil CO2 emissions (GCB) [GtCO2/year].
    alpha0 : float
        Labour productivity growth, 2010-2019 trend [1/year].
    g_Y_hist : float
        Output growth, 2010-2019 trend [1/year].
    g_N_hist : float
        Labour force growth, 2010-2019 trend [1/year].
    infl : float
        Price inflation of the start's data year, log change of the price index [1/year]: the start's inflation
        datum, which sets the target mark-up (:data:`~model.directed_growth.start_state.DERIVED_FROM_DATA`).
    n_path, n_path_low, n_path_high : tuple of (int, float)
        Labour-force growth schedule and its prior range: (year, rate [1/year]) points, linear in
        between, held outside (see :meth:`labour_force_growth`); the model follows the central one over the
        whole run (:meth:`labour_force_shift`).
    provenance : Mapping
        Each field's table in the file (series, files and sha256, last data year, rule, alternatives).
    """

    code: str
    name: str
    year: int
    Y: float
    N: float
    lam: float
    omega: float
    K_priv_Y: float
    K_G_Y: float
    delta: float
    i_G: float
    g_C: float
    h: float
    b: float
    l_F: float
    l_H: float
    E_dom: float
    alpha0: float
    g_Y_hist: float
    g_N_hist: float
    infl: float
    n_path: tuple[tuple[int, float], ...]
    n_path_low: tuple[tuple[int, float], ...]
    n_path_high: tuple[tuple[int, float], ...]
    provenance: Mapping[str, Mapping] = field(default_factory=dict, repr=False, compare=False)

    def _schedule_points(self, schedule: str) -> tuple[tuple[int, float], ...]:
        points = {"central": self.n_path, "low": self.n_path_low, "high": self.n_path_high}.get(schedule)
        if points is None:
            raise ModelError(f"unknown schedule {schedule!r}; valid: central, low, high")
        return points

    def labour_force_growth(self, t: float | np.ndarray, schedule: str = "central") -> float | np.ndarray:
        """Labour-force growth rate [1/year] at time ``t`` [year] from the schedule.

        Parameters
        ----------
        t : float or array
            Calendar time [year].
        schedule : {"central", "low", "high"}
            The schedule or one end of its prior range.
        """
        years, rates = zip(*self._schedule_points(schedule))
        out = np.interp(t, years, rates)
        return float(out) if np.ndim(out) == 0 else out

    def labour_force_shift(self, t0: float, schedule: str = "central") -> Schedule:
        """The schedule's departure from its rate in the start year ``t0`` [year], as the path of the
        model's exogenous input ``n_shift`` [1/year] (zero at ``t0``; the labour block's demographic
        growth is ``n + n_shift(t)`` with ``n`` the start-year rate).

        Parameters
        ----------
        t0 : float
            Start year [year].
        schedule : {"central", "low", "high"}
            The schedule or one end of its prior range. For ``"low"`` or ``"high"`` set ``n`` to
            ``labour_force_growth(t0, schedule)`` too, so that the start stays at rest.

        Returns
        -------
        Schedule
            Piecewise linear through the schedule's points less its ``t0`` value, flat outside (as
            :meth:`labour_force_growth`).
        """
        years, rates = zip(*self._schedule_points(schedule))
        return piecewise(years, np.asarray(rates) - self.labour_force_growth(t0, schedule))


def _points(path: str, table: Mapping, key: str) -> tuple[tuple[int, float], ...]:
    raw = table.get(key)
    try:
        points = tuple((int(y), float(r)) for y, r in raw)
    except (TypeError, ValueError):
        raise ModelError(f"{path}: n_path.{key} must be a list of [year, rate] pairs, got {raw!r}") from None
    if not points or any(b[0] <= a[0] for a, b in zip(points, points[1:])):
        raise ModelError(f"{path}: n_path.{key} must list increasing years, got {raw!r}")
    return points


def _read(code: str) -> CountryStart:
    path = f"model/directed_growth/countries/{code.lower()}.toml"
    try:
        doc = tomllib.loads(resources.files(__package__).joinpath("countries", f"{code.lower()}.toml")
                            .read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: cannot read the start state of {code}: {exc}") from None
    values = {}
    for name in SCALARS:
        value = doc.get(name, {}).get("value") if isinstance(doc.get(name), dict) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ModelError(f"{path}: [{name}] needs a finite number 'value', got {value!r}")
        values[name] = float(value)
    meta, n_path = doc.get("meta", {}), doc.get("n_path", {})
    return CountryStart(code=code, name=str(meta.get("name", code)), year=int(meta.get("year", 2025)), **values,
                        n_path=_points(path, n_path, "points"), n_path_low=_points(path, n_path, "low"),
                        n_path_high=_points(path, n_path, "high"),
                        provenance=MappingProxyType({k: MappingProxyType(v) for k, v in doc.items()}))


@functools.cache
def _cached(code: str) -> CountryStart:
    return _read(code)


def country_start(code: str) -> CountryStart:
    """The start state of a country, read from the package's data.

    Parameters
    ----------
    code : str
        ISO 3166-1 alpha-3 code, any case: ``"USA"`` or ``"GBR"``.

    Returns
    -------
    CountryStart

    Raises
    ------
    ModelError
        An unknown code (the message names the valid ones), or a damaged file.
    """
    key = str(code).strip().upper()
    if key not in COUNTRIES:
        raise ModelError(f"unknown country {code!r}; valid: {', '.join(COUNTRIES)}")
    return _cached(key)
