"""Result datasets: the NumPy fast path builds the same Dataset as xarray's general constructor."""

import numpy as np
import pandas as pd
import xarray as xr

from model.solve.results import numpy_dataset


def test_numpy_dataset_is_identical_to_xarray_general_constructor(tmp_path):
    rng = np.random.default_rng(3)
    t = np.linspace(2025.0, 2100.0, 76)
    wide = np.broadcast_to(rng.normal(size=76), (2, 3, 76))  # a read-only view, as for input paths
    data = {
        "x": (("policy", "draw", "time"), rng.normal(size=(2, 3, 76)), {"units": "USD", "kind": "stock"}),
        "u": (("policy", "draw", "time"), wide, {"units": "1/year", "kind": "lever"}),
        "status": (("policy", "draw"), np.array([[0, 1, 0], [0, 0, 2]], dtype=np.int8),
                   {"flag_values": np.array([0, 1, 2], dtype=np.int8), "flag_meanings": "ok a b"}),
        "alpha": ((), 0.025, {"kind": "parameter"}),
        "beta": (("draw",), np.array([0.1, 0.2, 0.3]), {"kind": "parameter"}),
    }
    coords = {"time": ("time", t, {"units": "year"}),
              "policy": ("policy", ["bau", "market_shaping"], {"units": "1"}),
              "draw": ("draw", np.arange(3), {"long_name": "parameter draw"})}
    attrs = {"model": "test", "rtol": 1e-8}
    fast = numpy_dataset(data, coords, attrs)
    general = xr.Dataset({k: xr.Variable(*v) for k, v in data.items()}, coords=coords, attrs=attrs)
    xr.testing.assert_identical(fast, general)
    assert list(fast.coords) == list(general.coords)
    for name in (*data, *coords):
        assert fast[name].dtype == general[name].dtype, name
    assert isinstance(fast.indexes["policy"], pd.Index) and fast.indexes["policy"].equals(general.indexes["policy"])
    fast.to_netcdf(tmp_path / "fast.nc")
    general.to_netcdf(tmp_path / "general.nc")
    assert (tmp_path / "fast.nc").read_bytes() == (tmp_path / "general.nc").read_bytes()
