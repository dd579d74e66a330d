"""``dgm warm``: compile the engine and the reference models ahead of first use (optional).

Nothing needs it: every part is compiled when first used and kept on disk. ``dgm warm`` does
that work at a time of the user's choosing (after installing, before a demonstration), so a
first ``dgm run`` or ``simulate`` only loads machine code.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from ..text import plural

__all__ = ["add_parser", "run", "warm_engine"]


def add_parser(sub) -> None:
    from ..catalogue import MODELS

    w = sub.add_parser("warm", help="compile the engine and the reference models ahead of first use (optional)",
                       description="Compile the model-independent engine (integrators, observers, serial and "
                                   "parallel ensemble drivers; once per installation) and every function of the "
                                   "named reference models (once per cache), so that later runs load machine "
                                   "code instead of compiling. Never required: each part is otherwise compiled "
                                   "when first used.")
    w.add_argument("models", nargs="*", metavar="MODEL",
                   help=f"models to compile (default: all of {', '.join(sorted(MODELS))})")


def warm_engine() -> tuple[int, int]:
    """Call every entry point of the engine once, through the paths a run takes, on the Keen model.

    Returns
    -------
    compiled, loaded : int
        How many of the engine's functions numba compiled, and how many it loaded from its cache.
    """
    from ..compiler.codegen import FUNCTIONS
    from ..compiler.compiled import compile as compile_system, engine
    from ..library import keen
    from ..solve.sensitivity import sensitivities
    from ..solve.simulation import simulate, solve_many

    system = keen()
    cs = compile_system(system)
    cs.functions(*FUNCTIONS)
    simulate(system, t_span=(0.0, 2.0))  # Dormand-Prince, path observer, input paths
    simulate(system, t_span=(0.0, 2.0), method="discrete", dt=0.01)  # maps and forward Euler
    simulate(system, t_span=(0.0, 2.0), method="radau5")  # the compiled Radau (stiff runs of method="auto")
    sensitivities(system, ["alpha"], t_span=(0.0, 2.0))  # with forward sensitivities
    p, y0, L = cs.param_vector(), cs.state_vector(), cs.inputs_table()
    t_eval = np.linspace(0.0, 2.0, 3)
    P, Y0 = np.tile(p, (2, 1)), np.tile(y0, (2, 1))
    Y = solve_many(cs, "auto", 0.0, Y0, P, L, t_eval, 1e-6, 1e-9, None, 1000)[0]  # parallel ensemble
    solve_many(cs, "discrete", 0.0, Y0, P, L, t_eval, 1e-6, 1e-9, 0.01, 1000)  # parallel maps
    solve_many(cs, "radau5", 0.0, Y0, P, L, t_eval, 1e-6, 1e-9, None, 1000)  # parallel Radau (stiff members)
    cs.ensemble_observe(t_eval, np.ascontiguousarray(Y), P, L, np.empty((2, t_eval.size, len(cs.observed_names))))
    cs.observed_tangents(t_eval, Y[0], np.zeros((t_eval.size, cs.n_states, 1)), p, ["alpha"])
    cs.sensitivity_rhs(0.0, np.concatenate([y0, np.zeros(cs.n_states)]), p, ["alpha"])
    cs.rhs(0.0, y0), cs.jac(0.0, y0), cs.dfdp(0.0, y0)
    cs.breakpoints(L, 0.0, 2.0)
    stats = [f.stats for f in vars(engine()).values() if hasattr(f, "stats")]
    return sum(bool(s.cache_misses) for s in stats), sum(bool(s.cache_hits) for s in stats)


def run(args) -> int:
    from ..catalogue import MODELS
    from ..compiler.codegen import FUNCTIONS
    from ..compiler.compiled import compile as compile_system, engine_folder
    from ..compiler.jit import HAVE_NUMBA
    from ..errors import ModelError

    names = list(dict.fromkeys(args.models)) or list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        raise ModelError(f"unknown model(s) {', '.join(unknown)}; valid: {', '.join(sorted(MODELS))}")
    if not HAVE_NUMBA:
        print("dgm warm: numba is disabled (DGM_DISABLE_NUMBA) or missing: nothing to compile")
        return 0
    started = time.perf_counter()
    folder, problem = engine_folder()
    where = f"in {folder}" + (f" (the package folder is not used: {problem})" if problem else "")
    print(f"dgm warm: engine {where} ...", file=sys.stderr, flush=True)
    compiled, loaded = warm_engine()
    print(f"dgm warm: engine: {plural(compiled, 'function')} compiled, {loaded:,} loaded from the cache, "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    for name in names:
        t = time.perf_counter()
        print(f"dgm warm: {name} ...", file=sys.stderr, flush=True)
        cs = compile_system(MODELS[name]())
        cs.functions(*FUNCTIONS)
        print(f"dgm warm: {name}: {plural(len(FUNCTIONS), 'function')} ready in {cs.path.parent}, "
              f"{time.perf_counter() - t:.1f} s", file=sys.stderr)
    print(f"dgm warm: engine and {plural(len(names), 'model')} compiled or loaded in "
          f"{time.perf_counter() - started:.1f} s")
    return 0
