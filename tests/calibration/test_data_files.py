"""calibration.data: file registry, checksums, data directory, loaders and their data-problem fixes.

Tests that read the data take the directory from DGM_DATA_DIR (CI: ../shared/data)
through ``data_dir()``, which raises DataError when it is unset: they fail, never skip.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibration.data import (
    FILES,
    DataError,
    data_dir,
    files as files_module,
    load_fred,
    load_fred_quarterly,
    load_fred_tcodes,
    load_gcb,
    load_icsd,
    load_jst,
    load_ncses_rd,
    load_owid_co2,
    load_owid_energy,
    load_pwt,
    rd_gdp_shares,
    verify,
)
from calibration.data.checks import check_fraction, check_percent, check_range
from calibration.data.fred import FRED_STOCKS, annualise
from calibration.data.rd import parse_year, strip_footnote


def _data_root() -> Path:
    """The shared data directory from DGM_DATA_DIR; raises DataError (so the test fails) if unset."""
    return data_dir()


def _doctored(tmp_path: Path, name: str, edit) -> Path:
    """Write ``edit(frame)`` of a registered file into ``tmp_path`` at its registered relative path."""
    frame = pd.read_csv(_data_root() / FILES[name].path)
    target = tmp_path / FILES[name].path
    target.parent.mkdir(parents=True, exist_ok=True)
    edit(frame).to_csv(target, index=False)
    return tmp_path


# --- registry, checksums, data directory ----------------------------------------------------------

@pytest.mark.data
def test_every_registered_file_has_its_checksum():
    paths = verify(_data_root())
    assert set(paths) == set(FILES)
    for name, path in paths.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == FILES[name].sha256


@pytest.mark.data
def test_registry_lists_every_data_file_with_provenance():
    on_disk = {p.relative_to(_data_root()).as_posix() for p in _data_root().rglob("*.csv")}
    assert on_disk == {f.path for f in FILES.values()}
    for entry in FILES.values():
        assert re.fullmatch(r"[0-9a-f]{64}", entry.sha256)
        assert entry.vintage and entry.publisher and entry.licence and entry.description


def test_data_dir_prefers_argument_over_environment(tmp_path, monkeypatch):
    (tmp_path / "env").mkdir()
    (tmp_path / "arg").mkdir()
    monkeypatch.setenv("DGM_DATA_DIR", str(tmp_path / "env"))
    assert data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert data_dir() == tmp_path / "env"


@pytest.mark.data
def test_data_dir_unset_finds_shared_data_beside_the_checkout(monkeypatch):
    """README and CI: with DGM_DATA_DIR unset, ../shared/data beside the repository is used."""
    monkeypatch.delenv("DGM_DATA_DIR", raising=False)
    expected = (Path(__file__).resolve().parents[2].parent / "shared" / "data")
    assert expected.is_dir(), "the workplace and CI have ../shared/data beside the checkout"
    assert data_dir() == expected
    assert files_module.SHARED_DATA == expected


def test_data_dir_relative_argument_is_made_absolute(tmp_path, monkeypatch):
    """A relative --data-dir must work from links made in another directory (was a broken symlink)."""
    (tmp_path / "d").mkdir()
    monkeypatch.chdir(tmp_path)
    assert data_dir("d") == tmp_path.resolve() / "d"
    monkeypatch.setenv("DGM_DATA_DIR", "d")
    assert data_dir().is_absolute()


def test_data_dir_unset_names_both_ways(monkeypatch, tmp_path):
    monkeypatch.delenv("DGM_DATA_DIR", raising=False)
    monkeypatch.setattr(files_module, "SHARED_DATA", tmp_path / "no_shared_data")
    with pytest.raises(DataError, match="DGM_DATA_DIR") as err:
        data_dir()
    assert "--data-dir" in str(err.value) and "data_dir=" in str(err.value)
    with pytest.raises(DataError, match="DGM_DATA_DIR"):
        load_pwt()


def test_data_dir_that_does_not_exist(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        data_dir(tmp_path / "nowhere")


def test_missing_file_says_where_and_what_to_do(tmp_path):
    rel = FILES["pwt"].path
    expected = f"{rel} not found in {tmp_path}; set --data-dir or DGM_DATA_DIR"
    with pytest.raises(DataError, match=re.escape(expected)):
        verify(tmp_path, ["pwt"])
    with pytest.raises(DataError, match=re.escape(expected)):
        load_pwt(tmp_path)
    with pytest.raises(DataError, match=re.escape(rel)):
        load_pwt(tmp_path, verify=False)


@pytest.mark.data
def test_altered_file_reports_both_checksums(tmp_path):
    rel = FILES["fred_qd_tcodes"].path
    (tmp_path / rel).parent.mkdir(parents=True)
    shutil.copyfile(_data_root() / rel, tmp_path / rel)
    assert verify(tmp_path, ["fred_qd_tcodes"])
    with open(tmp_path / rel, "a") as fh:
        fh.write("EXTRA,1.0\n")
    actual = hashlib.sha256((tmp_path / rel).read_bytes()).hexdigest()
    with pytest.raises(DataError) as err:
        load_fred_tcodes(tmp_path)
    message = str(err.value)
    assert rel in message and str(tmp_path) in message
    assert f"expected {FILES['fred_qd_tcodes'].sha256}, actual {actual}" in message
    assert load_fred_tcodes(tmp_path, verify=False)["EXTRA"] == 1  # the check is bypassable


@pytest.mark.data
def test_unknown_file_name():
    with pytest.raises(DataError, match="unknown data file"):
        verify(_data_root(), ["maddison"])


# --- unit sanity checks ------------------------------------------------------------------------------

def test_check_functions_flag_percent_fraction_and_magnitude():
    check_fraction([0.2, 0.65, np.nan], column="labsh", file="f.csv")
    with pytest.raises(DataError, match="labsh.*percent"):
        check_fraction([20.0, 65.0], column="labsh", file="f.csv")
    check_percent([4.0, 9.7], column="unemp", file="f.csv")
    with pytest.raises(DataError, match="unemp.*fraction"):
        check_percent([0.04, 0.097], column="unemp", file="f.csv")
    with pytest.raises(DataError, match=r"GDP per capita.*f\.csv.*millions"):
        check_range([4.0e7], 300.0, 3.0e5, what="GDP per capita", file="f.csv", hint="millions expected")


def test_share_in_percent_is_refused(tmp_path):
    root = _doctored(tmp_path, "pwt", lambda f: f.assign(labsh=f["labsh"] * 100))
    with pytest.raises(DataError, match=r"'labsh' in pwt/pwt1001_jst18\.csv .*percent"):
        load_pwt(root, verify=False)


def test_level_off_by_a_thousand_is_refused(tmp_path):
    root = _doctored(tmp_path, "pwt", lambda f: f.assign(rgdpna=f["rgdpna"] * 1000))
    with pytest.raises(DataError, match="rgdpna/pop"):
        load_pwt(root, verify=False)
    root = _doctored(tmp_path, "gcb", lambda f: f.assign(Total=f["Total"] / 1000))
    with pytest.raises(DataError, match="world fossil CO2.*MtCO2"):
        load_gcb(root, verify=False)
    root = _doctored(tmp_path, "ncses_rd", lambda f: f.assign(
        value=np.where((f["gdp_level_1"] == "GDP") & (f["gdp_level_2"] == "Current $billions"),
                       f["value"] * 1000, f["value"])))
    with pytest.raises(DataError, match="current \\$billions"):
        load_ncses_rd(root, verify=False)


def test_unemployment_as_fraction_is_refused(tmp_path):
    root = _doctored(tmp_path, "jst", lambda f: f.assign(unemp=f["unemp"] / 100))
    with pytest.raises(DataError, match="'unemp'.*fraction"):
        load_jst(root, verify=False)


# --- per-source loaders and known data problems ---------------------------------------------------

@pytest.mark.data
def test_pwt_imputed_gbr_labour_share_is_masked():
    pwt = load_pwt(_data_root(), countries=["USA", "GBR"]).set_index(["iso", "year"])
    gbr = pwt.loc["GBR"]
    imputed = gbr.index[gbr["labsh_imputed"]]
    assert (imputed.min(), imputed.max(), len(imputed)) == (1950, 1987, 38)   # README: 1950-1987
    assert gbr.loc[1950:1987, "labsh"].isna().all() and gbr.loc[1988:, "labsh"].notna().all()
    assert not pwt.loc["USA", "labsh_imputed"].any()
    assert "GBR 1950-1987 (constant 0.5514)" in load_pwt(_data_root(), countries=["GBR"]).attrs["labsh_imputed"]
    raw = pd.read_csv(_data_root() / FILES["pwt"].path).query("isocode == 'GBR' and year <= 1987")["labsh"]
    assert raw.nunique() == 1   # what the mask stands for


@pytest.mark.data
def test_jst_uk_is_gbr():
    jst = load_jst(_data_root(), countries=["GBR"])
    assert set(jst["iso"]) == {"GBR"} and set(jst["country"]) == {"UK"}
    assert jst["year"].is_unique
    with pytest.raises(DataError, match="'UK': 'GBR'"):
        load_jst(_data_root(), countries=["UK"])


@pytest.mark.data
def test_icsd_public_investment_units():
    icsd = load_icsd(_data_root(), countries=["USA", "GBR"])
    assert set(icsd.groupby("iso")["year"].agg(["min", "max"]).itertuples(index=False)) == {(1960, 2019)}
    assert icsd.attrs["units"]["igov_rppp"] == "billion 2017 int-$/year"


@pytest.mark.data
def test_gcb_preliminary_years_flagged_or_dropped():
    gcb = load_gcb(_data_root(), countries=["USA", "GBR", "WLD"])
    assert sorted(gcb.loc[gcb["preliminary"], "year"].unique()) == [2020, 2021]
    final = load_gcb(_data_root(), countries=["USA"], include_preliminary=False)
    assert final["year"].max() == 2019 and not final["preliminary"].any()
    everything = load_gcb(_data_root())
    assert everything["iso"].notna().all() and "Kuwaiti Oil Fires" not in set(everything["country"])


@pytest.mark.data
def test_owid_sources_agree_with_gcb():
    owid = load_owid_co2(_data_root()).set_index(["iso", "year"])
    gcb = load_gcb(_data_root(), countries=["USA", "GBR"]).set_index(["iso", "year"])
    # GCB 2022 revised US 1977-85 by up to 4 % against the CDIAC-based OWID 2020 release; since 1990 < 2 %
    for first, rtol in ((1960, 0.05), (1990, 0.02)):
        years = pd.MultiIndex.from_product([["USA", "GBR"], range(first, 2019)])
        np.testing.assert_allclose(owid.loc[years, "co2"], gcb.loc[years, "total"], rtol=rtol)
    assert "million tonnes" in owid.attrs["descriptions"]["co2"]
    energy = load_owid_energy(_data_root()).set_index(["iso", "year"])
    both = pd.MultiIndex.from_product([["USA", "GBR"], range(1965, 2017)])
    # BP 2021 via OWID energy vs BP 2020 in the OWID CO2 release, both TWh/year
    np.testing.assert_allclose(energy.loc[both, "primary_energy"], owid.loc[both, "primary_energy_consumption"],
                               rtol=0.02)
    kg_per_kwh = owid.loc[both, "co2"] * 1e9 / (energy.loc[both, "primary_energy"] * 1e9)   # Mt/TWh = kg/kWh
    np.testing.assert_allclose(kg_per_kwh, owid.loc[both, "co2_per_unit_energy"], rtol=0.02)


@pytest.mark.data
def test_fred_dates_are_quarter_ends():
    q = load_fred_quarterly(_data_root())
    first = q[q["year"] == 1959]
    assert list(first["quarter"]) == [1, 2, 3, 4] and list(first["date"].dt.month) == [3, 6, 9, 12]
    assert load_fred_tcodes(_data_root())["GDPC1"] == 5


def test_fred_quarter_start_dates_are_refused(tmp_path):
    def to_quarter_starts(f):
        return f.assign(sasdate=(pd.to_datetime(f["sasdate"]) - pd.DateOffset(months=2)).dt.strftime("%Y-%m-%d"))
    with pytest.raises(DataError, match="last month"):
        load_fred_quarterly(_doctored(tmp_path, "fred_qd", to_quarter_starts), verify=False)


@pytest.mark.data
def test_fred_annual_flows_averaged_stocks_q4_complete_years_only():
    q = load_fred_quarterly(_data_root())
    annual = load_fred(_data_root())
    q19 = q[q["year"] == 2019]
    assert annual.loc[2019, "UNRATE"] == pytest.approx(q19["UNRATE"].mean())
    assert annual.loc[2019, "GFDEGDQ188S"] == pytest.approx(q19["GFDEGDQ188S"].iloc[-1])
    assert np.isnan(annual.loc[2024, "HOANBS"])       # 2024Q4 not yet observed
    assert annual.loc[2024, "GDPC1"] == pytest.approx(q[q["year"] == 2024]["GDPC1"].mean())
    assert np.isnan(annual.loc[1965, "GFDEGDQ188S"]) and np.isfinite(annual.loc[1966, "GFDEGDQ188S"])


def test_annualise_on_a_small_example():
    q = pd.DataFrame({"year": [2000] * 4 + [2001] * 4 + [2002] * 3, "quarter": [1, 2, 3, 4] * 2 + [1, 2, 3],
                      "GDPC1": [1.0, 2.0, 3.0, 6.0, 1.0, np.nan, 1.0, 1.0, 5.0, 5.0, 5.0],
                      "TLBSNNCBx": [1.0, 2.0, 3.0, 7.0, 1.0, 2.0, 3.0, np.nan, 1.0, 1.0, 1.0]})
    a = annualise(q)
    assert "TLBSNNCBx" in FRED_STOCKS and list(a.index) == [2000, 2001]   # 2002 incomplete
    assert a.loc[2000, "GDPC1"] == 3.0 and a.loc[2000, "TLBSNNCBx"] == 7.0
    assert np.isnan(a.loc[2001, "GDPC1"]) and np.isnan(a.loc[2001, "TLBSNNCBx"])


@pytest.mark.data
def test_ncses_footnote_tags_are_stripped():
    rd = load_ncses_rd(_data_root())
    assert rd["year"].tolist() == sorted(rd["year"]) and set(rd["year"]) == set(range(1953, 2023))
    labels = set(rd["measure"]) | set(rd["breakdown"]) | set(rd["component"])
    assert not any("<sup>" in s or s.endswith(("Federalb", "Otherc", "Otherd")) for s in labels)
    assert set(rd["component"]) == {"", "Business", "Federal", "Higher education", "Other"}
    assert "Deflator (2017 = 1.00000)" in set(rd["breakdown"])
    assert (rd.loc[rd["year"] == 2022, "footnotes"].str.contains("year:f")).all()
    assert strip_footnote("Federalb") == ("Federal", "b") and strip_footnote("Business") == ("Business", "")
    assert parse_year("2022<sup>f</sup>") == (2022, "f")
    with pytest.raises(DataError, match="unexpected label"):
        strip_footnote("Federal government")
    with pytest.raises(DataError, match="not a year"):
        parse_year("FY2022")


@pytest.mark.data
def test_rd_shares_match_economics_md():
    shares = rd_gdp_shares(load_ncses_rd(_data_root()))
    funded = shares["federal"] / shares[["federal", "business", "other"]].sum(axis=1)
    # economics.md section 10: federal share of R&D funding peaked at 66.8 % in 1964
    assert funded.idxmax() == 1964 and funded.max() == pytest.approx(0.668, abs=0.005)
    assert shares.loc[1964, "federal"] == pytest.approx(0.019, abs=0.001)   # ~1.9 % of GDP mid-1960s
    assert (shares["business"] / shares["total"]).loc[2000] == pytest.approx(0.694, abs=0.01)
