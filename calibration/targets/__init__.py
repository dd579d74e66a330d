"""Target sets: the series and moments a country's calibration must reproduce (TOML files here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from model.errors import CalibrationError

from ..tomlfile import read_toml

__all__ = ["TargetSet", "SeriesSpec", "load_targets", "TARGET_DIR"]

#: folder of the shipped target sets (``usa.toml``, ``gbr.toml``)
TARGET_DIR = Path(__file__).parent


@dataclass(frozen=True)
class SeriesSpec:
    """One target series: model variable ``name`` against panel variable ``data``, over the
    replay window or only in ``years`` (a moment such as growth between two years)."""

    name: str
    data: str
    sigma: float
    log: bool
    source: str
    years: tuple[int, ...] | None = None


@dataclass(frozen=True)
class TargetSet:
    """A country's target set.

    Attributes
    ----------
    country : str
        ISO 3166-1 alpha-3 code.
    replay_start, replay_end : int
        Years of the whole-model replay [calendar year].
    block_years : tuple of int
        First and last year of the block-wise regressions.
    parameters : tuple of str
        Parameters estimated on the replay.
    series : tuple of SeriesSpec
    moments : dict
        Published moments with ``value``, ``tolerance`` and ``source``.
    path : Path
    """

    country: str
    replay_start: int
    replay_end: int
    block_years: tuple[int, int]
    parameters: tuple[str, ...]
    series: tuple[SeriesSpec, ...]
    moments: dict = field(default_factory=dict)
    path: Path | None = None


def load_targets(country_or_path: str | Path) -> TargetSet:
    """Read a target set: a country code (``"USA"``, ``"GBR"``: the shipped files) or a TOML path.

    Raises
    ------
    CalibrationError
        Unknown country, missing file, invalid TOML or missing fields (the message names them).
    """
    path = Path(country_or_path)
    if not path.suffix:
        path = TARGET_DIR / f"{str(country_or_path).lower()}.toml"
        if not path.is_file():
            shipped = sorted(p.stem.upper() for p in TARGET_DIR.glob("*.toml"))
            raise CalibrationError(f"no target set for country {country_or_path!r}; shipped: {', '.join(shipped)}")
    doc = read_toml(path, "target file")
    try:
        meta, whole = doc["meta"], doc["whole_model"]
        series = tuple(SeriesSpec(s["name"], s["data"], float(s["sigma"]), bool(s.get("log", False)), s["source"],
                                  tuple(int(y) for y in s["years"]) if "years" in s else None)
                       for s in doc["series"])
        out = TargetSet(meta["country"], int(meta["replay_start"]), int(meta["replay_end"]),
                        tuple(int(y) for y in meta["block_years"]), tuple(whole["parameters"]), series,
                        dict(doc.get("moments", {})), path)
    except (KeyError, TypeError, ValueError) as exc:
        raise CalibrationError(f"{path}: missing or invalid field {exc}; see calibration/targets/usa.toml") from None
    if out.replay_start >= out.replay_end:
        raise CalibrationError(f"{path}: replay_start must be before replay_end")
    return out
