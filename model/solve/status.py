"""The status codes of a run: the ``status`` variable of results and ensembles."""

__all__ = ["STATUS"]

#: Status codes of a run (``status`` variable of results). ``diverged``: a stock reached
#: its divergence limit (:func:`model.solve.simulation.divergence_limits`); ``nonfinite``:
#: NaN, inf or above 1e100.
STATUS = {0: "success", 1: "left_bounds", 2: "nonfinite", 3: "stalled", 4: "max_steps", 5: "stiff", 6: "solver_error",
          7: "diverged"}
