"""Every public function and method of the engine has type hints on all its parameters and its return.

The engine is ``model.core``, ``model.compiler``, ``model.solve``, ``model.analysis``, ``model.files`` and
``model.errors``; "public" means a name without a leading underscore (plus ``__init__`` and ``__call__``)
defined at module level or in a public class of a module whose name has no leading underscore. The
integrator template is not a module (its functions are copied into generated code; see its header), and
numba ``@intrinsic`` functions are left out: numba calls them while typing compiled code, with numba
types (``typingctx``, ``types.Array``), never from Python.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ("model/core", "model/compiler", "model/solve", "model/analysis", "model/files.py", "model/errors.py")
NOT_MODULES = {"model/compiler/integrators.py"}
PUBLIC_DUNDERS = {"__init__", "__call__"}
NOT_PYTHON_API = {"intrinsic"}  # decorators of functions numba calls at typing time


def engine_files() -> list[Path]:
    files: list[Path] = []
    for entry in ENGINE:
        path = ROOT / entry
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return [f for f in files if f.relative_to(ROOT).as_posix() not in NOT_MODULES]


def _public(name: str) -> bool:
    return not name.startswith("_") or name in PUBLIC_DUNDERS


def _statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """``body`` with the statements inside module-level ``if``/``try``/``with`` blocks spliced in
    (functions defined one way or another, e.g. with or without numba)."""
    out: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If):
            out += _statements(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            out += _statements(node.body + [s for h in node.handlers for s in h.body] + node.orelse + node.finalbody)
        elif isinstance(node, ast.With):
            out += _statements(node.body)
        else:
            out.append(node)
    return out


def missing_annotations(tree: ast.Module, where: str) -> list[str]:
    """``where:line name: what is missing`` for each public function or method of ``tree`` lacking a hint."""
    found: list[str] = []

    def check(fn: ast.FunctionDef | ast.AsyncFunctionDef, owner: str, method: bool) -> None:
        decorators = {d.id for d in fn.decorator_list if isinstance(d, ast.Name)}
        if decorators & NOT_PYTHON_API:
            return
        a = fn.args
        params = [*a.posonlyargs, *a.args]
        if method and "staticmethod" not in decorators:
            params = params[1:]  # self or cls
        params += [*a.kwonlyargs, *(p for p in (a.vararg, a.kwarg) if p is not None)]
        lacking = [p.arg for p in params if p.annotation is None]
        if fn.returns is None and fn.name != "__init__":
            lacking.append("return")
        if lacking:
            found.append(f"{where}:{fn.lineno} {owner}{fn.name}: {', '.join(lacking)}")

    for node in _statements(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _public(node.name):
            check(node, "", method=False)
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in _statements(node.body):
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and _public(item.name):
                    check(item, f"{node.name}.", method=True)
    return found


def test_checker_reports_what_is_missing():
    tree = ast.parse("def f(a, b: int, *c, d=1, **e): pass\n"
                     "def g(x: int) -> int: return x\n"
                     "def _h(x): pass\n"
                     "class A:\n"
                     "    def __init__(self, n): pass\n"
                     "    @staticmethod\n"
                     "    def s(y) -> None: pass\n"
                     "    def m(self) -> int: return 1\n"
                     "    def __repr__(self): return ''\n"
                     "class _B:\n"
                     "    def m(self, z): pass\n"
                     "try:\n"
                     "    import numba\n"
                     "    def jit(func): return func\n"
                     "except ImportError:\n"
                     "    def jit(func) -> None: pass\n"
                     "@intrinsic\n"
                     "def call(typingctx, addr): pass\n")
    assert missing_annotations(tree, "x.py") == [
        "x.py:1 f: a, d, c, e, return", "x.py:5 A.__init__: n", "x.py:7 A.s: y", "x.py:14 jit: func, return",
        "x.py:16 jit: func"]


def test_engine_public_functions_are_annotated():
    files = engine_files()
    assert len(files) > 20
    found = []
    for path in files:
        if path.stem.startswith("_") and path.name != "__init__.py":
            continue
        found += missing_annotations(ast.parse(path.read_text(encoding="utf-8")), path.relative_to(ROOT).as_posix())
    assert not found, "public functions without type hints (parameter names, or 'return'):\n" + "\n".join(found)
