"""The architecture, read from the source with :mod:`ast` (nothing is imported).

* no import cycle among the modules of ``model`` and ``calibration``, neither at import time
  (module-level imports, with the package ``__init__`` files an import runs) nor once
  imports inside functions are counted too; none among the sub-packages of ``model``;
* no module (nor benchmark script) imports another module's underscore names, nor reaches them through a module object
  (``from model.solve import simulation; simulation._x``, ``import model.solve.simulation as s; s._x``,
  ``importlib.import_module("model.x")._y``, ``getattr(module, "_y")``);
* ``importlib.import_module`` and ``__import__`` take a literal module name (their targets count as
  imports), except where :data:`DYNAMIC_IMPORTS` says why not;
* no package re-exports a function under the name of one of its modules;
* only ``model/cli/`` imports ``calibration``;
* the engine (``model/core``, ``compiler``, ``solve``, ``analysis``, ``files.py``, ``text.py``,
  ``errors.py``) names nothing of the directed-growth application.

Imports under ``if TYPE_CHECKING:`` are annotations only and do not count. Named exceptions:
the permanent alias :data:`ALIAS` (the library's one door to the application), the packages of
one factory per module (:data:`ONE_FACTORY_PER_MODULE`), and what is left to move, each listed
(:data:`LEFT_EDGES`, :data:`LEFT`) with a strict xfail that fails once it is gone.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOP = ("model", "calibration")

#: engine sources: they may not name anything of the directed-growth application
ENGINE = ("model/core", "model/compiler", "model/solve", "model/analysis", "model/files.py", "model/errors.py",
          "model/text.py")

#: the permanent alias kept for saved files (model.library.directed_growth:directed_growth): the one
#: module of model/library that imports the application, and the door through which the library's
#: registries reach it (model/directed_growth uses the library's DICE-2016R climate)
ALIAS = "model.library.directed_growth"


def _modules() -> dict[str, Path]:
    found = {}
    for top in TOP:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


class _Imports(ast.NodeVisitor):
    """Every import of one module: (target module, imported names, line, inside a function?)."""

    def __init__(self, name: str, is_package: bool | None = None):
        self.name, self.depth, self.found = name, 0, []
        is_package = _is_package(name) if is_package is None else is_package
        self.package = name if is_package else name.rpartition(".")[0]

    def _scope(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _scope

    def visit_If(self, node: ast.If):
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
                isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import):
        for alias in node.names:
            self.found.append((alias.name, (), node.lineno, self.depth > 0))

    def visit_ImportFrom(self, node: ast.ImportFrom):
        module = _absolute(self.package, node.level, node.module)
        names = tuple(a.name for a in node.names)
        self.found.append((module, names, node.lineno, self.depth > 0))

    def visit_Call(self, node: ast.Call):
        """``importlib.import_module("x")`` and ``__import__("x")`` with a literal name import ``x``."""
        target = _dynamic_import(node, self.package)
        if target:
            self.found.append((target, (), node.lineno, self.depth > 0))
        self.generic_visit(node)


def _absolute(package: str, level: int, module: str | None) -> str:
    """The absolute name of ``from <level dots><module> import ...`` written in ``package``."""
    if not level:
        return module or ""
    base = package.split(".")
    base = base[: len(base) - level + 1]
    return ".".join(base + ([module] if module else []))


def _is_dynamic_import(node: ast.Call) -> bool:
    """Whether ``node`` calls ``importlib.import_module``, ``import_module`` or ``__import__``."""
    f = node.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    return name in ("import_module", "__import__")


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _dynamic_import(node: ast.Call, package: str) -> str | None:
    """The module a literal ``importlib.import_module(name[, package])`` or ``__import__(name, ...)``
    imports (relative names resolved against ``package``, or ``__name__``/``__package__`` for this
    module's package); ``""`` for a call whose name is not a literal; None for any other call."""
    if not _is_dynamic_import(node):
        return None
    name = _literal(node.args[0]) if node.args else None
    if name is None:
        return ""
    if not name.startswith("."):
        return name
    anchor = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "package"), None)
    if isinstance(anchor, ast.Name) and anchor.id in ("__name__", "__package__"):
        anchor_name = package
    else:
        anchor_name = _literal(anchor) or ""
    level = len(name) - len(name.lstrip("."))
    return _absolute(anchor_name, level, name[level:] or None)


def _imports() -> dict[str, list[tuple[str, tuple[str, ...], int, bool]]]:
    out = {}
    for name, path in MODULES.items():
        visitor = _Imports(name)
        visitor.visit(ast.parse(path.read_text(), str(path)))
        out[name] = [i for i in visitor.found if i[0].split(".")[0] in TOP]
    return out


IMPORTS = _imports()


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _graph(with_functions: bool) -> dict[str, set[str]]:
    """module -> modules its import runs: the target, the package ``__init__`` files on the way
    that the importer is not itself inside, and submodules imported by ``from package import module``
    (the alias module :data:`ALIAS` included: a rerun of a saved file reaches the application through it)."""
    graph = defaultdict(set)
    for name, imports in IMPORTS.items():
        for module, names, _, in_function in imports:
            if in_function and not with_functions:
                continue
            targets = [module] + [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
            for target in targets:
                for step in _ancestors(target) + [target]:
                    if step in MODULES and step != name and step not in _ancestors(name):
                        graph[name].add(step)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan), each as one cycle path."""
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in sorted(set(graph) | {w for ws in graph.values() for w in ws}):
        if v not in index:
            strong(v)
    return [_path(graph, comp) for comp in comps]


def _path(graph: dict[str, set[str]], comp: list[str]) -> list[str]:
    """One cycle through the first member of a strongly connected component (breadth-first)."""
    start, members = comp[0], set(comp)
    prev, queue = {start: None}, [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph.get(v, ())):
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return [start] + path[::-1][1:] + [start] if len(path) > 1 else [start, v, start]
            if w in members and w not in prev:
                prev[w] = v
                queue.append(w)
    return comp


def _show(cycles: list[list[str]]) -> str:
    return "; ".join(" -> ".join(c) for c in cycles)


def _unit(module: str) -> str:
    """The sub-package (or top-level module) a module belongs to: model.solve, model.files, calibration."""
    parts = module.split(".")
    if parts[0] == "calibration":
        return "calibration"
    return ".".join(parts[:2]) if len(parts) > 1 else "model"


def test_no_import_cycle_at_import_time():
    cycles = _cycles(_graph(with_functions=False))
    assert not cycles, f"import cycles (module-level imports): {_show(cycles)}"


def test_no_import_cycle_with_function_level_imports():
    cycles = _cycles(_graph(with_functions=True))
    assert not cycles, f"import cycles (imports inside functions counted): {_show(cycles)}"


def test_no_cycle_among_subpackages():
    """model.core, compiler, solve, analysis, library, directed_growth, cli, files, errors and
    calibration import each other in one direction only (every import counted; the API module
    ``model/__init__`` and the alias module left out)."""
    graph = defaultdict(set)
    for name, imports in IMPORTS.items():
        if name in ("model", ALIAS):
            continue
        for module, _names, _, _ in imports:
            a, b = _unit(name), _unit(module)
            if a != b and b != "model":
                graph[a].add(b)
            if b == "model" and a != "model":
                graph[a].add("model (API)")
    cycles = _cycles(graph)
    assert not cycles, f"cycles among sub-packages: {_show(cycles)}"
    uses_api = sorted(a for a, bs in graph.items() if "model (API)" in bs and a.startswith("model"))
    assert not uses_api, f"sub-packages importing the API module model/__init__: {uses_api}"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


class _ModuleObjects(ast.NodeVisitor):
    """Underscore names of other project modules reached through module objects in one module.

    A name is a module object when an import binds it to a project module (``import a.b as x``,
    ``import a.b`` binding ``a``, ``from a import b`` where ``a.b`` is a module, ``x =
    importlib.import_module("a.b")``); through such a name, a chain ``x.c.d`` of submodules, or a
    literal ``import_module``/``__import__`` call, an attribute ``._y`` or ``getattr(..., "_y")`` of
    another module counts (flow-insensitive: a name bound to a module anywhere in the file)."""

    def __init__(self, name: str, is_package: bool):
        self.name = name
        self.package = name if is_package else name.rpartition(".")[0]
        self.bound: dict[str, str] = {}
        self.found: list[tuple[int, str]] = []

    def bind(self, tree: ast.AST) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        self.bound[a.asname] = a.name
                    else:
                        self.bound[a.name.split(".")[0]] = a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom):
                module = _absolute(self.package, node.level, node.module)
                for a in node.names:
                    if f"{module}.{a.name}" in MODULES:
                        self.bound[a.asname or a.name] = f"{module}.{a.name}"
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                target = self.target(node.value)
                for t in node.targets:
                    if target and isinstance(t, ast.Name):
                        self.bound[t.id] = target

    def target(self, node: ast.AST) -> str | None:
        """The project module ``node`` evaluates to, if it is one."""
        if isinstance(node, ast.Name):
            module = self.bound.get(node.id)
        elif isinstance(node, ast.Attribute):
            base = self.target(node.value)
            module = f"{base}.{node.attr}" if base else None
        elif isinstance(node, ast.Call):
            module = _dynamic_import(node, self.package)
            from_list = next((k.value for k in node.keywords if k.arg == "fromlist"),
                             node.args[3] if len(node.args) > 3 else None)
            if module and isinstance(node.func, ast.Name) and node.func.id == "__import__" and not (
                    isinstance(from_list, (ast.List, ast.Tuple)) and from_list.elts):
                module = module.split(".")[0]  # __import__("a.b") returns the package a
        else:
            module = None
        return module if module in MODULES else None

    def reach(self, line: int, module: str | None, attr: str | None, how: str) -> None:
        if module and attr and _private(attr) and module != self.name:
            self.found.append((line, f"{how} reaches {module}.{attr}"))

    def visit_Attribute(self, node: ast.Attribute):
        self.reach(node.lineno, self.target(node.value), node.attr, ast.unparse(node.value))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == "getattr" and len(node.args) >= 2:
            self.reach(node.lineno, self.target(node.args[0]), _literal(node.args[1]),
                       f"getattr({ast.unparse(node.args[0])}, ...)")
        self.generic_visit(node)


def underscore_uses(source: str, name: str, is_package: bool = False) -> list[tuple[int, str]]:
    """``(line, what)`` for each underscore name of another project module that the module ``name``
    with ``source`` imports (``from m import _x``) or reaches through a module object."""
    tree = ast.parse(source)
    imports = _Imports(name, is_package)
    imports.visit(tree)
    found = [(line, f"from {module} import {n}") for module, names, line, _ in imports.found
             for n in names if _private(n) and module != name]
    objects = _ModuleObjects(name, is_package)
    objects.bind(tree)
    objects.visit(tree)
    return sorted(found + objects.found)


def dynamic_imports(source: str, name: str, is_package: bool = False) -> list[tuple[int, str]]:
    """``(line, call)`` for each ``import_module``/``__import__`` call whose module name is not a literal."""
    package = name if is_package else name.rpartition(".")[0]
    return [(node.lineno, ast.unparse(node)) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and _dynamic_import(node, package) == ""]


#: scripts checked for underscore names of the package besides its modules: the benchmarks
SCRIPTS = {".".join(p.relative_to(ROOT).with_suffix("").parts): p for p in sorted((ROOT / "benchmarks").rglob("*.py"))}


def test_no_import_of_underscore_names_across_modules():
    found = [f"{path.relative_to(ROOT)}:{line}: {what}" for name, path in {**MODULES, **SCRIPTS}.items()
             for line, what in underscore_uses(path.read_text(), name, path.name == "__init__.py")]
    assert not found, "underscore names of another module imported or reached:\n" + "\n".join(found)


#: modules allowed to import a module whose name is not a literal, and why
DYNAMIC_IMPORTS = {
    "calibration": "PEP 562 lazy exports: each name's submodule is a literal of the table _EXPORTS, imported on "
                   "first access so that `import calibration` does not load xarray, scipy or emcee",
}


def test_dynamic_imports_name_a_literal_module():
    """``importlib.import_module(x)`` with a computed ``x`` hides an import from these checks."""
    found = [f"{path.relative_to(ROOT)}:{line}: {call}" for name, path in MODULES.items() if name not in DYNAMIC_IMPORTS
             for line, call in dynamic_imports(path.read_text(), name, _is_package(name))]
    assert not found, "imports of a computed module name (give a literal, or list the module in DYNAMIC_IMPORTS " \
                      "with the reason):\n" + "\n".join(found)
    stale = sorted(n for n in DYNAMIC_IMPORTS if not dynamic_imports(MODULES[n].read_text(), n, _is_package(n)))
    assert not stale, f"DYNAMIC_IMPORTS lists modules without a computed import: {stale}"


_PLANTED = {  # source written in model.solve.ensembles -> the underscore names it reaches
    "from model.solve import simulation\nsimulation._run_dopri(1)": ["model.solve.simulation._run_dopri"],
    "from . import simulation as sim\nsim._run_dopri": ["model.solve.simulation._run_dopri"],
    "import model.solve.simulation as s\ns._x": ["model.solve.simulation._x"],
    "import model.solve.simulation\ndef f():\n    return model.solve.simulation._x": ["model.solve.simulation._x"],
    "import model\nmodel.compiler.compiled._LOCK": ["model.compiler.compiled._LOCK"],
    "import importlib\nm = importlib.import_module('model.solve.simulation')\nm._x": ["model.solve.simulation._x"],
    "from importlib import import_module\nimport_module('.simulation', __package__)._x": ["model.solve.simulation._x"],
    "__import__('model.solve.simulation').solve.simulation._x": ["model.solve.simulation._x"],
    "__import__('model.solve.simulation', fromlist=['x'])._x": ["model.solve.simulation._x"],
    "from model.solve import simulation\ngetattr(simulation, '_x')": ["model.solve.simulation._x"],
    "from model.solve.simulation import _x": ["from model.solve.simulation import _x"],
    # not reached: dunder names, public names, this module's own names, objects that are not modules
    "from model.solve import simulation\nsimulation.__name__, simulation.simulate": [],
    "import model.solve.ensembles as me\nme._Spec": [],
    "from model.solve.simulation import simulate\nsimulate._cache, self._x": [],
}


def test_the_underscore_check_catches_planted_examples():
    for source, want in _PLANTED.items():
        got = [what for _, what in underscore_uses(source, "model.solve.ensembles")]
        assert len(got) == len(want) and all(w in g for g, w in zip(got, want)), (source, got)


def test_the_dynamic_import_check_catches_planted_examples():
    source = ("import importlib\nimportlib.import_module(name)\n__import__(f'model.{x}')\n"
              "importlib.import_module('model.solve.simulation')")
    assert [line for line, _ in dynamic_imports(source, "model.solve.ensembles")] == [2, 3]
    visitor = _Imports("model.solve.ensembles")
    visitor.visit(ast.parse(source + "\nimportlib.import_module('.status', __package__)"))
    assert [m for m, *_ in visitor.found] == ["importlib", "model.solve.simulation", "model.solve.status"]


#: packages whose modules each hold one factory of the same name, re-exported by the package
#: (``model.library.keen`` is the factory): the reference models and the application's mechanisms
ONE_FACTORY_PER_MODULE = ("model.library", "model.directed_growth.mechanisms")


def test_no_module_hidden_behind_a_function_of_its_package():
    """``model.compile`` cannot be both a function and a module: a package may not bind a name
    (other than that module itself) that is also one of its modules."""
    found = []
    for name in MODULES:
        if not _is_package(name) or name in ONE_FACTORY_PER_MODULE:
            continue
        for module, names, line, in_function in IMPORTS[name]:
            for n in names if not in_function else ():
                sub = f"{name}.{n}"
                if sub in MODULES and f"{module}.{n}" != sub:
                    found.append(f"{MODULES[name].relative_to(ROOT)}:{line}: {n} (from {module}) hides {sub}")
    assert not found, "\n".join(found)


def test_only_the_cli_imports_calibration():
    found = sorted({f"{MODULES[name].relative_to(ROOT)}:{line}"
                    for name, imports in IMPORTS.items() if name.startswith("model")
                    and not (name == "model.cli" or name.startswith("model.cli."))
                    for module, _, line, _ in imports if module.split(".")[0] == "calibration"})
    assert not found, f"model code outside model/cli/ importing calibration: {found}"


def _application_names() -> set[str]:
    """Names only the directed-growth application defines: its policy paths and lever names
    (the keys of ``LEVERS`` in model/directed_growth/policies.py), some of its variables and its package."""
    tree = ast.parse((ROOT / "model" / "directed_growth" / "policies.py").read_text())
    levers = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == "LEVERS" for t in node.targets))
    names = {k.value for k in levers.keys}
    names |= {"bau", "market_fixing", "market_shaping", "default_exogenous", "all_paths", "T_at", "E_dom", "h_eff",
              "directed_growth"}
    return names


#: the application's span [year] (as a default of engine signatures)
YEARS = (r"2025(?:\.0)?", r"2100(?:\.0)?")


def _engine_names() -> dict[str, list[str]]:
    """file -> application names (and span years) its source text contains (code, strings,
    comments and docstrings)."""
    names = sorted(map(re.escape, _application_names()), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(" + "|".join(names + list(YEARS)) + r")(?![\w])")
    found = {}
    for entry in ENGINE:
        path = ROOT / entry
        assert path.exists(), f"engine path {entry} is missing"
        for file in sorted([path] if path.is_file() else path.rglob("*.py")):
            hits = sorted(set(pattern.findall(file.read_text())))
            if hits:
                found[str(file.relative_to(ROOT))] = hits
    return found


def test_engine_has_no_application_names():
    """The application's defaults live in the model's own metadata (:class:`model.core.metadata.ModelMeta`:
    span, default exogenous inputs, kept variables, start hook, outcome registry, policy paths)."""
    found = _engine_names()
    assert not found, f"the engine names the directed-growth application: {found}"
