"""Registry of the calibration data files, their checksums and the data directory.

The data files are **not** part of this repository: their licences differ
(JST is CC BY-NC-SA 4.0, the IMF ICSD has its own terms). They are read from a
data directory given explicitly, by the environment variable ``DGM_DATA_DIR``, or,
when neither is set, found as ``shared/data`` beside the repository checkout
(:data:`SHARED_DATA`, the layout of the project's workplace and CI).
Every loader checks the sha256 of the file it reads against :data:`FILES`, so a
different vintage or an edited copy is never used silently.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from .errors import DataError

ENV_VAR = "DGM_DATA_DIR"

#: Where the data directory is looked for when neither an argument nor ``DGM_DATA_DIR`` gives one:
#: ``../shared/data`` relative to the repository root (this file is ``calibration/data/files.py``).
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@dataclass(frozen=True)
class DataFile:
    """One data file: where it lives in the data directory and where it comes from.

    Attributes
    ----------
    path : str
        Path relative to the data directory.
    sha256 : str
        Hex digest of the file as distributed in ``shared/data``.
    vintage : str
        Release or download date of the data.
    publisher : str
        Who publishes the data, with the citation the licence asks for.
    licence : str
        Licence or terms of use.
    description : str
        What the file holds.
    """

    path: str
    sha256: str
    vintage: str
    publisher: str
    licence: str
    description: str


FILES: Mapping[str, DataFile] = MappingProxyType({
    "jst": DataFile(
        "jst/JSTdatasetR6.csv",
        "590606d06f1714349b0e347e6969e1af03a8a077ecb022ee33fda5632024ea4f",
        "JST Macrohistory Database Release 6 (July 2022)",
        "Jorda, Schularick & Taylor (2017), Macrofinancial History and the New Business Cycle Facts, "
        "NBER Macroeconomics Annual 2016, vol. 31",
        "CC BY-NC-SA 4.0 (non-commercial, share-alike: do not vendor)",
        "18 advanced economies 1870-2020: GDP, investment, unemployment, public debt, credit"),
    "pwt": DataFile(
        "pwt/pwt1001_jst18.csv",
        "6484ec185417540370f6e40d0b43e3538d3ac731d9c02cbdb28d5aa3771ac947",
        "Penn World Table 10.01 (January 2023), via CRAN pwt10 10.01-0",
        "Feenstra, Inklaar & Timmer (2015), The Next Generation of the Penn World Table, AER 105(10)",
        "CC BY 4.0",
        "PWT 10.01, the 18 JST countries, 1950-2019, all 52 variables"),
    "icsd": DataFile(
        "icsd/icsd2021_igov_kgov_rppp.csv",
        "47288afa28d6120016bfd80c6ff17aa671161b2de37f7b37e31cb57be0115ac6",
        "IMF Investment and Capital Stock Dataset, May 2021 (1960-2019)",
        "IMF Fiscal Affairs Department, Investment and Capital Stock Dataset 2021",
        "IMF copyright and usage terms (attribution required)",
        "general-government investment and capital stock, constant 2017 international dollars"),
    "gcb": DataFile(
        "co2/GCB2022v27_MtCO2_flat.csv",
        "42658082b257b52d7d5d62b38ee28cbc8035e6b8fcce09153e27510a14892065",
        "Global Carbon Budget 2022v27 (1750-2021; 2020-2021 preliminary)",
        "Andrew & Peters (2022), The Global Carbon Project's fossil CO2 emissions dataset, "
        "doi:10.5281/zenodo.7215364; Friedlingstein et al. (2022), ESSD 14",
        "CC BY 4.0",
        "territorial fossil CO2 emissions by country and fuel, MtCO2/yr"),
    "owid_co2": DataFile(
        "co2/owid_co2_2020-12_usa_gbr_world.csv",
        "faff27eccb998a18963d2eddc2944a562587ec271bc2be08da5e0c3af1c6a8b9",
        "Our World in Data CO2 dataset, 2020-12-09",
        "Ritchie, Roser et al., CO2 and Greenhouse Gas Emissions, Our World in Data",
        "CC BY 4.0",
        "OWID CO2 data, rows USA, GBR and World"),
    "owid_co2_codebook": DataFile(
        "co2/owid_co2_2020-12_codebook.csv",
        "3988a84fc4fe2e64c737f3c77bbccfe60d9f976f46dcadba1c08b2d3304f9c72",
        "Our World in Data CO2 dataset, 2020-12-09",
        "Ritchie, Roser et al., CO2 and Greenhouse Gas Emissions, Our World in Data",
        "CC BY 4.0",
        "column definitions of the OWID CO2 dataset"),
    "owid_energy": DataFile(
        "energy/owid_primary_energy_bp_eia_2022.csv",
        "ccda1d91103bd447b8012260232d41e6c3aa2c3461f7d1277325a7ded5ab9187",
        "Our World in Data energy, 2022-03-31 (BP Statistical Review 2021, EIA)",
        "BP (2021) Statistical Review of World Energy; U.S. EIA; Our World in Data",
        "CC BY 4.0 (OWID); BP free with attribution; EIA public domain",
        "primary energy consumption by country (substitution method), TWh"),
    "fred_qd": DataFile(
        "fred/fredqd_2024-12_us_subset.csv",
        "4509ee6cb606569ac696b9ea92f7e229ea9f6fdc817804519afb44acb44a2b00",
        "FRED-QD 2024-12 (1959Q1-2024Q4)",
        "McCracken & Ng (2020), FRED-QD: A Quarterly Database for Macroeconomic Research, "
        "FRB St. Louis WP 2020-005",
        "public domain (US government series)",
        "31 US quarterly series; dates are the last month of the quarter"),
    "fred_qd_tcodes": DataFile(
        "fred/fredqd_2024-12_tcodes.csv",
        "fba1e859efeb8163cdb83a7358a4c262c48715fcc45bd69b9f3e3aa0d6b18147",
        "FRED-QD 2024-12 (1959Q1-2024Q4)",
        "McCracken & Ng (2020), FRB St. Louis WP 2020-005",
        "public domain (US government series)",
        "McCracken-Ng transformation codes of the FRED-QD subset"),
    "ncses_rd": DataFile(
        "rd/ncses_10473_us_rd_gdp_1953_2022.csv",
        "b4436853ebd1e554afe260aeab513d3cfa3d0fa3452a68e021ab13322c1e4b46",
        "NCSES National Patterns of R&D Resources, table 10473 (1953-2022; GDP accessed 2023-10-27)",
        "National Center for Science and Engineering Statistics (NSF), National Patterns of R&D Resources",
        "US federal government work (public domain)",
        "US GDP, R&D and R&D/GDP by performer and source of funding"),
})


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the data directory: explicit argument, else ``DGM_DATA_DIR``, else :data:`SHARED_DATA`.

    Parameters
    ----------
    path : str or path-like, optional
        Directory holding the data files (the layout of ``shared/data``).

    Returns
    -------
    pathlib.Path
        The existing directory, as an absolute path (so that links made from it
        work from any working directory).

    Raises
    ------
    DataError
        If none of the three gives a directory, or the one given does not exist.
    """
    if path is None:
        path = os.environ.get(ENV_VAR) or None
        if path is None:
            if SHARED_DATA.is_dir():
                return SHARED_DATA
            raise DataError(
                "no data directory given: pass it explicitly (data_dir=..., or --data-dir on the command line) "
                f"or set the environment variable {ENV_VAR} to the directory holding the data files "
                f"(e.g. DGM_DATA_DIR=../shared/data); {SHARED_DATA} does not exist either")
    resolved = Path(path).expanduser().resolve()
    if not resolved.is_dir():
        raise DataError(f"data directory {resolved} does not exist; set --data-dir or {ENV_VAR}")
    return resolved


_resolve_dir = data_dir  # the parameters below are called data_dir too


def sha256(path: str | os.PathLike[str]) -> str:
    """Hex sha256 digest of a file."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def verify(data_dir: str | os.PathLike[str] | None = None,
           names: Iterable[str] | None = None) -> dict[str, Path]:
    """Check that data files exist and have the registered sha256.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory; resolved as by :func:`data_dir` (argument, else ``DGM_DATA_DIR``).
    names : iterable of str, optional
        Keys of :data:`FILES` to check; all files by default.

    Returns
    -------
    dict
        Name to absolute path of each verified file.

    Raises
    ------
    DataError
        Listing every missing or altered file, with the directory and what to do.
    """
    root = _resolve_dir(data_dir)
    names = list(FILES) if names is None else list(names)
    unknown = [n for n in names if n not in FILES]
    if unknown:
        raise DataError(f"unknown data file name(s) {unknown}; known: {sorted(FILES)}")
    problems, paths = [], {}
    for name in names:
        entry = FILES[name]
        path = root / entry.path
        if not path.is_file():
            problems.append(f"{entry.path} not found in {root}; set --data-dir or {ENV_VAR} to the directory "
                            "holding the data files")
            continue
        actual = sha256(path)
        if actual != entry.sha256:
            problems.append(f"{entry.path} in {root} was altered or is another vintage: sha256 expected "
                            f"{entry.sha256}, actual {actual}; restore the original file ({entry.vintage})")
            continue
        paths[name] = path.resolve()
    if problems:
        raise DataError("\n".join(problems))
    return paths


def locate(name: str, data_dir: str | os.PathLike[str] | None = None, *, check: bool = True) -> Path:
    """Path of one registered file, verified unless ``check`` is false.

    With ``check=False`` only existence is required (for doctored copies in tests
    or a deliberately different vintage); the loaders' unit checks still apply.
    """
    if check:
        return verify(data_dir, [name])[name]
    if name not in FILES:
        raise DataError(f"unknown data file name {name!r}; known: {sorted(FILES)}")
    root = _resolve_dir(data_dir)
    path = root / FILES[name].path
    if not path.is_file():
        raise DataError(f"{FILES[name].path} not found in {root}; set --data-dir or {ENV_VAR}")
    return path
