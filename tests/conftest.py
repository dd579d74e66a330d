"""Shared test configuration: the markers of the suite (also listed in pyproject.toml).

* ``slow``: longer checks (still part of the default run);
* ``data``: needs the data files under ``DGM_DATA_DIR`` (skipped without them);
* ``subprocess``: starts a Python process (the installed command, a fresh import or cache).
"""

MARKERS = {
    "slow": "longer checks (still part of the default run)",
    "data": "needs the data files under DGM_DATA_DIR (skipped without them)",
    "subprocess": "starts a Python process (the installed command, a fresh import or cache)",
}


def pytest_configure(config):
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
