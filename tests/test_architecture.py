"""The architecture, read from the source with :mod:`ast` (nothing is imported).

* no import cycle among the modules of ``model`` and ``calibration``, neither at import time
  (module-level imports, with the package ``__init__`` files an import runs) nor once
  imports inside functions are counted too; none among the sub-packages of ``model``;
* no module imports another module's underscore names;
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

    def __init__(self, name: str):
        self.name, self.depth, self.found = name, 0, []
        self.package = name if _is_package(name) else name.rpartition(".")[0]

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
        if node.level:
            base = self.package.split(".")
            base = base[: len(base) - node.level + 1]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module
        names = tuple(a.name for a in node.names)
        self.found.append((module, names, node.lineno, self.depth > 0))


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
    that the importer is not itself inside, and submodules imported by ``from package import module``.
    Left out: the imports of the alias module :data:`ALIAS`."""
    graph = defaultdict(set)
    for name, imports in IMPORTS.items():
        if name == ALIAS:
            continue
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


def test_no_import_of_underscore_names_across_modules():
    found = [f"{MODULES[name].relative_to(ROOT)}:{line}: from {module} import {n}"
             for name, imports in IMPORTS.items() for module, names, line, _ in imports
             for n in names if n.startswith("_") and not n.startswith("__") and module != name]
    assert not found, "underscore names imported from another module:\n" + "\n".join(found)


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
