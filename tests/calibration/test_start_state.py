"""Country start states: calibration.start_state against the data and economics.md 11.12, the shipped TOML
files against a fresh computation, and model.directed_growth.countries.country_start.

Tests marked ``data`` read the shared data directory (DGM_DATA_DIR, else ../shared/data beside the
checkout) and fail, never skip, without it.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from calibration.data import data_dir, load_fred, load_gcb, load_icsd, load_jst, load_pwt
from calibration.start_state import COUNTRIES, FIELDS, start_panel, start_state
from calibration.start_state_file import package_file, to_toml
from model.cli.commands import main
from model.core.units import parse_units
from model.directed_growth.countries import COUNTRY_DIR, SCALARS, CountryStart, country_start
from model.errors import CalibrationError, ModelError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def states() -> dict[str, dict]:
    """Fresh start states of both countries, computed from the shared data directory."""
    panel = start_panel(data_dir())
    return {code: start_state(code, panel=panel) for code in COUNTRIES}


def _same(shipped, fresh, where: str = "") -> None:
    """Equal structure and strings, floats to 1e-9 relative."""
    if isinstance(fresh, dict):
        assert set(shipped) == set(fresh), where
        for key in fresh:
            _same(shipped[key], fresh[key], f"{where}.{key}")
    elif isinstance(fresh, list):
        assert len(shipped) == len(fresh), where
        for i, (a, b) in enumerate(zip(shipped, fresh)):
            _same(a, b, f"{where}[{i}]")
    elif isinstance(fresh, float):
        assert shipped == pytest.approx(fresh, rel=1e-9, abs=1e-15), where
    else:
        assert shipped == fresh, where


# --- the shipped files --------------------------------------------------------------------------------

@pytest.mark.data
@pytest.mark.parametrize("code", COUNTRIES)
def test_shipped_file_equals_a_fresh_computation(states, code):
    shipped = tomllib.loads(package_file(code).read_text(encoding="utf-8"))
    _same(shipped, states[code], code)
    start = country_start(code)
    for name in SCALARS:
        assert getattr(start, name) == pytest.approx(states[code][name]["value"], rel=1e-9), name
    _same([list(p) for p in start.n_path], states[code]["n_path"]["points"], "n_path")


@pytest.mark.data
@pytest.mark.parametrize("code", COUNTRIES)
def test_every_field_has_its_provenance(states, code):
    state = states[code]
    assert list(state)[1:] == list(FIELDS)
    registered = state["meta"]["files"]
    for name in FIELDS:
        table = state[name]
        assert table["unit"] == FIELDS[name][0] and table["rule"], name
        parse_units(table["unit"])                     # the model's pint registry reads it
        if name == "n_path":
            assert table["source"] and table["prior"]
            continue
        assert table["series"] and table["files"] and len(table["files"]) == len(table["sha256"]), name
        for path, digest in zip(table["files"], table["sha256"]):
            assert registered[path]["sha256"] == digest, (name, path)
        assert table["last_data_year"] >= table["base_year"] >= 2019 or name in ("alpha0", "g_Y_hist", "g_N_hist")
    assert state["meta"]["year"] == 2025


@pytest.mark.data
@pytest.mark.parametrize("code", COUNTRIES)
def test_toml_text_reads_back_to_the_state(states, code):
    assert tomllib.loads(to_toml(states[code])) == states[code]


def test_package_data_ships_the_files():
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    globs = package_data["model.directed_growth"]
    shipped = {p.name for g in globs for p in (ROOT / "model" / "directed_growth").glob(g)}
    assert {f"{c.lower()}.toml" for c in COUNTRIES} <= shipped
    assert {p.name for p in COUNTRY_DIR.glob("*.toml")} == {f"{c.lower()}.toml" for c in COUNTRIES}


# --- economics.md 11.12: the 2019 values (and 2020, 2021, 2024 where printed) -----------------------

#: (country, field, key, value printed in economics.md 11.12, half a unit of its last printed digit)
PRINTED = [
    ("USA", "Y", "value_2019", 20.595844, 5e-7), ("GBR", "Y", "value_2019", 2.989896, 5e-7),
    ("USA", "N", "value_2019", 163.5, 0.05), ("USA", "N", "base_value", 168.1, 0.05),   # FRED-QD 2019; 2024
    ("GBR", "N", "value_2019", 34.3, 0.05),
    ("USA", "omega", "value", 0.597, 5e-4), ("GBR", "omega", "value", 0.590, 5e-4),
    ("USA", "K_priv_Y", "total_incl_public", 3.36, 5e-3), ("GBR", "K_priv_Y", "total_incl_public", 4.71, 5e-3),
    ("USA", "delta", "value", 0.046, 5e-4), ("GBR", "delta", "value", 0.040, 5e-4),
    ("USA", "K_G_Y", "value", 0.59, 5e-3), ("GBR", "K_G_Y", "value", 0.46, 5e-3),
    ("USA", "i_G", "value", 0.035, 5e-4), ("GBR", "i_G", "value", 0.0285, 5e-5),
    ("USA", "b", "value_2019", 1.068, 5e-4), ("GBR", "b", "value_2019", 0.852, 5e-4),
    ("USA", "b", "base_value", 1.281, 5e-4), ("GBR", "b", "base_value", 1.045, 5e-4),   # 2020
    ("USA", "l_H", "value", 0.38, 5e-3), ("GBR", "l_H", "value", 0.65, 5e-3),
    ("USA", "l_F", "bank_loans", 0.25, 5e-3),
    # economics.md prints 19 %: JST tbus / gdp is 416.595 / 2255.283 = 18.47 %, which rounds to 18
    ("GBR", "l_F", "bank_loans", 0.18, 5e-3),
    ("USA", "l_F", "value", 1.29, 5e-3), ("GBR", "l_F", "value", 0.77, 5e-3),
    ("USA", "E_dom", "value_2019", 5.259, 5e-4), ("GBR", "E_dom", "value_2019", 0.365, 5e-4),
    ("USA", "E_dom", "base_value", 5.007, 5e-4), ("GBR", "E_dom", "base_value", 0.347, 5e-4),   # 2021
]


@pytest.mark.data
@pytest.mark.parametrize("code, name, key, printed, half_digit", PRINTED,
                         ids=[f"{c}-{n}-{k}" for c, n, k, *_ in PRINTED])
def test_data_values_reproduce_economics_md_11_12(states, code, name, key, printed, half_digit):
    table = states[code][name]
    value = table["alternatives"][key] if key in table.get("alternatives", {}) else table[key]
    assert abs(value - printed) <= half_digit * (1 + 1e-9), (value, printed)


# --- 2025: the last data value carried by the documented rule, recomputed from the files ---------------

def _growth(series, first: int = 2010, last: int = 2019) -> float:
    """Growth factor per year of ``series`` (indexed by year) between two years."""
    return float(series[last] / series[first]) ** (1.0 / (last - first))


@pytest.fixture(scope="module")
def carried() -> dict[str, dict[str, float]]:
    """Each 2025 value from the loaders' frames by the rule in calibration.start_state's docstring."""
    root = data_dir()
    fred = load_fred(root)
    out: dict[str, dict[str, float]] = {}
    for code in COUNTRIES:
        pwt = load_pwt(root, countries=[code]).set_index("year")
        jst = load_jst(root, countries=[code]).set_index("year")
        icsd = load_icsd(root, countries=[code]).set_index("year")
        gcb = load_gcb(root, countries=[code]).set_index("year")["total"] / 1e3
        unemp = jst["unemp"] / 100.0
        if code == "USA":
            unemp = unemp.where((unemp - fred["UNRATE"].reindex(unemp.index) / 100).abs() <= 0.005,
                                fred["UNRATE"].reindex(unemp.index) / 100)
        c: dict[str, float] = {}
        if code == "USA":
            lf = fred["CE16OV"] / (1 - fred["UNRATE"] / 100) / 1e3
            c["Y"] = pwt.loc[2019, "rgdpo"] / 1e6 * fred.loc[2024, "GDPC1"] / fred.loc[2019, "GDPC1"] \
                * _growth(fred["GDPC1"])
            c["N"] = lf[2024] * _growth(lf)
            c["lam"] = 1 - fred.loc[2024, "UNRATE"] / 100
            debt = fred["GFDEGDQ188S"]
            c["b"] = jst.loc[2020, "debtgdp"] * debt[2023] / debt[2020]
            c["infl"] = math.log(fred.loc[2024, "GDPCTPI"] / fred.loc[2023, "GDPCTPI"])  # GDP price index, held
        else:
            lf = pwt["emp"] / (1 - unemp.reindex(pwt.index))
            c["Y"] = pwt.loc[2019, "rgdpo"] / 1e6 * _growth(pwt["rgdpna"]) ** 6
            c["N"] = lf[2019] * _growth(lf) ** 6
            c["lam"] = 1 - unemp[2019]
            c["b"] = jst.loc[2020, "debtgdp"]
            c["infl"] = math.log(jst.loc[2019, "cpi"] / jst.loc[2018, "cpi"])  # consumer prices, held at 2019
        y, i_g = pwt.loc[2019], icsd.loc[2019, "igov_rppp"] * 1e3 / pwt.loc[2019, "rgdpo"]
        k_g = icsd.loc[2019, "kgov_rppp"] * 1e3 / y["rgdpo"]
        c.update(omega=y["labsh"], K_G_Y=k_g, K_priv_Y=y["rnna"] / y["rgdpna"] - k_g, delta=y["delta"], i_G=i_g,
                 g_C=y["csh_g"], h=jst.loc[2019, "iy"] - i_g, l_F=jst.loc[2019, "bdebt"] / jst.loc[2019, "gdp"],
                 l_H=jst.loc[2019, "thh"] / jst.loc[2019, "gdp"], E_dom=gcb[2021] * _growth(gcb) ** 4,
                 alpha0=math.log(_growth(pwt["rgdpna"] / pwt["emp"])), g_Y_hist=math.log(_growth(pwt["rgdpna"])),
                 g_N_hist=math.log(_growth(lf)))
        out[code] = c
    return out


@pytest.mark.data
@pytest.mark.parametrize("code", COUNTRIES)
def test_2025_values_are_the_last_data_carried_by_the_rule(states, carried, code):
    """Recomputed from the loaders' frames (powers of growth factors, not the module's log trends); the
    brief asks for 5 %, the rule is exact, so the tolerance is 1e-9."""
    assert set(carried[code]) == set(SCALARS)
    for name, expected in carried[code].items():
        assert states[code][name]["value"] == pytest.approx(expected, rel=1e-9), name


@pytest.mark.data
def test_relative_sizes_and_emissions(states):
    us, uk = states["USA"], states["GBR"]
    assert 1 / 8 < uk["Y"]["value"] / us["Y"]["value"] < 1 / 6          # about 1/7: same 2017-PPP unit
    assert 22.0 < us["Y"]["value"] < 26.0 and 3.0 < uk["Y"]["value"] < 3.6
    # UK fossil CO2: 0.347 Gt in 2021 (last data), 0.298 Gt carried to 2025 at the 2010-2019 trend (-3.8 %/yr).
    # The brief's band 0.3-0.4 Gt holds for the data; the carried value is below it, as is the observed 2023
    # value (305 Mt, economics.md section 10, [V]) carried one more year at any falling rate.
    assert 0.3 <= uk["E_dom"]["base_value"] <= 0.4
    assert 0.28 <= uk["E_dom"]["value"] <= 0.4
    # the rule, tried out of sample: 2021 carried to 2023 against OWID/GCP 2023 (economics.md section 10, [V])
    for code, observed_2023 in (("USA", 4.911), ("GBR", 0.305)):
        e = states[code]["E_dom"]
        assert e["base_value"] * math.exp(2 * e["trend"]) == pytest.approx(observed_2023, rel=0.06), code


@pytest.mark.data
def test_labour_force_schedules(states):
    us, uk = country_start("USA"), country_start("GBR")
    years = np.arange(2025, 2101)
    assert us.labour_force_growth(2025.0) == us.labour_force_growth(2050.0) == pytest.approx(0.003)  # CBO
    assert us.labour_force_growth(2100.0) == 0.0 == uk.labour_force_growth(2150.0)
    assert uk.labour_force_growth(2025.0) == pytest.approx(states["GBR"]["g_N_hist"]["value"], rel=1e-9)
    for start in (us, uk):
        low, mid, high = (start.labour_force_growth(years, s) for s in ("low", "central", "high"))
        assert np.all(low <= mid) and np.all(mid <= high)
        assert np.all(np.diff(mid) <= 0)                               # the fade never reverses
    with pytest.raises(ModelError, match="unknown schedule 'mid'; valid: central, low, high"):
        us.labour_force_growth(2030.0, "mid")


@pytest.mark.data
def test_dgm_calibrate_writes_the_start_state(tmp_path, capsys):
    out = tmp_path / "gbr_start.toml"
    assert main(["calibrate", "--country", "GBR", "--data-dir", str(data_dir()), "--start-state", str(out)]) == 0
    assert out.read_bytes() == package_file("GBR").read_bytes()
    assert "wrote the GBR start state (2025)" in capsys.readouterr().err


# --- country_start ---------------------------------------------------------------------------------------

def test_country_start_is_case_insensitive_and_typed():
    gbr = country_start("gbr")
    assert isinstance(gbr, CountryStart) and gbr is country_start(" GBR ")
    assert gbr.code == "GBR" and gbr.name == "United Kingdom" and gbr.year == 2025
    assert all(isinstance(getattr(gbr, name), float) for name in SCALARS)
    assert gbr.provenance["Y"]["unit"] == "TUSD/year" and "rule" in gbr.provenance["E_dom"]
    with pytest.raises(AttributeError):
        gbr.Y = 1.0  # frozen


@pytest.mark.parametrize("code", ["xx", "UK", "", "US"])
def test_country_start_unknown_code_is_a_one_line_error(code):
    with pytest.raises(ModelError) as info:
        country_start(code)
    message = str(info.value)
    assert "\n" not in message and f"unknown country {code!r}" in message and "valid: USA, GBR" in message


def test_start_state_rejects_a_start_before_the_data_end_and_unknown_countries():
    with pytest.raises(CalibrationError, match="start year 2019: must be an integer from 2024 on"):
        start_state("USA", 2019)
    with pytest.raises(CalibrationError, match="no start state for country 'FRA'; valid: USA, GBR"):
        start_state("FRA")
