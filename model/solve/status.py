"""The status codes of a run: the ``status`` variable of results and ensembles, in one table."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["FLAGGED_WHOLE", "STATUS", "Status", "failure_reason"]


class Status(IntEnum):
    """Outcome of one run, as the compiled integrators and the scipy wrappers report it, or
    (:attr:`IMPLAUSIBLE`) as :mod:`model.solve.plausible` finds it after a complete integration, or
    (:attr:`IDENTITY_VIOLATED`, ensemble members) as :mod:`model.solve.identities` finds it.

    The value is the code stored in ``status`` (``int8``); the lower-case member name is the
    ``flag_meanings`` word; :attr:`message` says what it means. Every code but :attr:`SUCCESS` is a
    failure downstream: left out of outcome statistics, counted and reported.
    """

    SUCCESS = 0
    LEFT_BOUNDS = 1
    NONFINITE = 2
    STALLED = 3
    MAX_STEPS = 4
    STIFF = 5
    SOLVER_ERROR = 6
    DIVERGED = 7
    IMPLAUSIBLE = 8
    IDENTITY_VIOLATED = 9

    @property
    def meaning(self) -> str:
        """The ``flag_meanings`` word (``"left_bounds"``)."""
        return self.name.lower()

    @property
    def message(self) -> str:
        """One line on what the code means."""
        return _MESSAGES[self]

    @classmethod
    def flag_attrs(cls) -> dict:
        """CF flag attributes of a ``status`` variable: ``flag_values`` and ``flag_meanings``."""
        import numpy as np

        return {"flag_values": np.array([int(s) for s in cls], dtype=np.int8),
                "flag_meanings": " ".join(s.meaning for s in cls)}


_MESSAGES = {
    Status.SUCCESS: "the run reached the end of its span",
    Status.LEFT_BOUNDS: "a stock left its declared bounds",
    Status.NONFINITE: "the state became non-finite (NaN, overflow or magnitude above 1e100)",
    Status.STALLED: "the step size underflowed (the run stalled)",
    Status.MAX_STEPS: "the maximum number of steps was reached",
    Status.STIFF: "stiffness detected (reported only when the integrator is asked to stop on it; "
                  "method='auto' then integrates the run again with the compiled Radau IIA, 'radau5')",
    Status.SOLVER_ERROR: "the solver failed",
    Status.DIVERGED: "a stock reached its divergence limit (model.solve.simulation.divergence_limits)",
    Status.IMPLAUSIBLE: "a path left the model's declared plausible range (ModelMeta.plausible; the integration "
                        "itself reached the end)",
    Status.IDENTITY_VIOLATED: "a declared accounting identity (a Godley-table check) did not hold to identity_tol "
                              "along the path (an ensemble member; the integration itself reached the end)",
}

#: the codes of runs flagged after integrating to the end: their paths are whole (not NaN after a failure), so
#: whatever is computed from them (an ensemble's outcomes, a fan chart) must leave them out explicitly
FLAGGED_WHOLE: tuple[Status, ...] = (Status.IMPLAUSIBLE, Status.IDENTITY_VIOLATED)

#: code -> ``flag_meanings`` word, derived from :class:`Status` (kept for compatibility)
STATUS = {int(s): s.meaning for s in Status}


def failure_reason(text: str) -> str:
    """What a run's ``failure`` text says failed, without the model, the policy, the time and the values
    (``"model 'keen', policy 'a': stock 'omega' left its declared bounds (0.0, None) after t=74.2"`` ->
    ``"stock 'omega' left its declared bounds (0.0, None)"``): runs failing the same way share it."""
    return str(text).split(": ", 1)[-1].split(" after t=")[0].split(" at t=")[0]
