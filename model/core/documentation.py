"""Documentation output: nomenclature table, LaTeX appendix and Markdown.

The three functions here back :meth:`System.nomenclature`, :meth:`System.to_latex`
and :meth:`System.to_markdown`. Output is deterministic: the same system gives
byte-identical text in every process (symbols are sorted by name, auxiliaries
keep their evaluation order, and blocks keep their order in the System).

Typesetting conventions
-----------------------
* A symbol is rendered with its declared ``latex`` form when given (e.g.
  ``lam`` -> ``\\lambda``); otherwise with sympy's rendering of its name,
  multi-letter words being set in ``\\mathit`` so ``output`` is not read as a
  product of six letters.
* Continuous systems: ``\\dot{X} = f``; discrete maps:
  ``X_{t+\\Delta t} = f`` (the step is stated in the text); auxiliaries
  ``a = f``; accounting identities ``0 = f``.
* Accounting matrices (:mod:`model.core.accounts`) are printed after the equations: rows by
  sectors, each entry with an explicit sign, ``\\dot{X}`` for the change of a stock, a Sigma
  column and row, and the list of checks saying which hold by construction (trivial) and which
  carry information. Their checks are not repeated among the identities of the blocks.
* Units are parsed by pint (:func:`model.core.units.parse_units`) and written with
  their canonical full names (``year``, ``USD``, ``tCO2``) as a product of
  powers; pint's abbreviated symbols are not used because the toolkit's
  registry renders ``year`` as ``a`` and ``USD`` as ``dollar``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import sympy as sp

from ..text import plain
from .expr import as_expr
from .symbols import KINDS, Var, t

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .accounts import GodleyTable
    from .system import System

__all__ = ["nomenclature", "to_latex", "to_markdown", "latex_escape", "KIND_ORDER", "table_markdown",
           "table_latex"]

#: Order of kinds in tables (then by name within a kind).
KIND_ORDER: tuple[str, ...] = ("stock", "auxiliary", "lever", "exogenous", "parameter")
assert set(KIND_ORDER) == set(KINDS)

_KIND_TITLE = {"stock": "Stocks", "auxiliary": "Auxiliaries", "lever": "Policy levers",
               "exogenous": "Exogenous inputs", "parameter": "Parameters"}

_SECTIONING = ("part", "chapter", "section", "subsection", "subsubsection", "paragraph")

# ---------------------------------------------------------------------------
# helpers: ordering and text
# ---------------------------------------------------------------------------


def _ordered_vars(system: System) -> list[Var]:
    """Declared symbols sorted by kind (:data:`KIND_ORDER`) then by name."""
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    return sorted(system.variables.values(), key=lambda v: (rank.get(v.kind, len(rank)), v.name))


def _oneline(text: str | None) -> str:
    """Collapse all whitespace (including newlines) to single spaces."""
    return " ".join(str(text or "").split())


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    # a few non-ASCII characters pdflatex's default UTF-8 input cannot typeset
    "°": r"\ensuremath{^\circ}",
    "±": r"\ensuremath{\pm}",
    "×": r"\ensuremath{\times}",
    "≈": r"\ensuremath{\approx}",
    "≤": r"\ensuremath{\leq}",
    "≥": r"\ensuremath{\geq}",
    "−": r"\ensuremath{-}",
    "·": r"\ensuremath{\cdot}",
    "µ": r"\ensuremath{\mu}",
    "μ": r"\ensuremath{\mu}",
    "²": r"\ensuremath{^2}",
    "³": r"\ensuremath{^3}",
}
_LATEX_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIAL))


def latex_escape(text: str | None) -> str:
    """Escape text for LaTeX text mode.

    Parameters
    ----------
    text : str or None
        Plain text (a description, a source, a name). Whitespace, including
        newlines, is collapsed to single spaces.

    Returns
    -------
    str
        Text in which ``\\ & % $ # _ { } ~ ^ < > |`` and a few common
        non-ASCII symbols are replaced by LaTeX commands.
    """
    return _LATEX_SPECIAL_RE.sub(lambda m: _LATEX_SPECIAL[m.group(0)], _oneline(text))


_MD_SPECIAL_RE = re.compile(r"([\\`*_|<>\[\]$~])")


def _md_escape(text: str | None) -> str:
    """Escape text for a Markdown paragraph or pipe-table cell (one line)."""
    return _MD_SPECIAL_RE.sub(r"\\\1", _oneline(text))


def _md_code(text: str) -> str:
    """A Markdown code span (safe inside a pipe table)."""
    text = _oneline(text).replace("|", "\\|")
    if not text:
        return ""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _fmt_number(x: float | None) -> str:
    """Plain text of a number with 6 significant digits (``""`` for None)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if x == 0:
        return "0"
    return f"{x:.6g}"


def _latex_number(x: float | None) -> str:
    """Math-mode LaTeX of a number (``--`` for None): ``$-0.0065$``, ``$1.5 \\times 10^{-7}$``."""
    text = _fmt_number(x)
    if x is None or not text:
        return "--"
    if math.isinf(x):
        return "$-\\infty$" if x < 0 else "$\\infty$"
    if "e" in text:
        mant, exp = text.split("e")
        exp = str(int(exp))
        return f"$10^{{{exp}}}$" if mant == "1" else f"${mant} \\times 10^{{{exp}}}$"
    return f"${text}$"


# ---------------------------------------------------------------------------
# helpers: symbols, units and equations
# ---------------------------------------------------------------------------

_WORD_RE = re.compile(r"(?<![\\A-Za-z])([A-Za-z]{2,})")


def _symbol_tex(var: Var) -> str:
    """LaTeX of a symbol: the declared form, else sympy's with words in ``\\mathit``."""
    if var.latex:
        return var.latex
    return _WORD_RE.sub(r"\\mathit{\1}", sp.latex(var.sym))


def _symbol_names(system: System) -> dict[sp.Symbol, str]:
    return {v.sym: _symbol_tex(v) for v in system.variables.values()}


def _units_container(units: str) -> dict[str, float] | None:
    """Canonical unit names and exponents of a units string (None if unparsable)."""
    try:
        from .units import parse_units

        q = parse_units(units)
    except Exception:  # unparsable units: render the declared text
        return None
    container = getattr(q.units, "_units", None)
    if container is None:
        return None
    return {str(k): float(v) for k, v in dict(container).items()}


def _fmt_exponent(e: float) -> str:
    return str(int(e)) if float(e).is_integer() else f"{e:g}"


def _latex_units(units: str) -> str:
    """Units as a LaTeX table cell, e.g. ``$\\mathrm{USD}\\,\\mathrm{year}^{-1}$``; ``--`` if dimensionless."""
    parts = _units_container(units)
    if parts is None:
        return latex_escape(units) or "--"
    if not parts:
        return "--"
    ordered = sorted(parts.items(), key=lambda kv: (kv[1] < 0, kv[0]))
    out = []
    for name, e in ordered:
        base = r"\mathrm{" + latex_escape(name) + "}"
        out.append(base if e == 1 else f"{base}^{{{_fmt_exponent(e)}}}")
    return "$" + r"\,".join(out) + "$"


def _equation_groups(system: System) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """Equations grouped by block, in block order.

    Returns
    -------
    list of (block name, block description, equations)
        ``equations`` are ``(label key, lhs LaTeX, rhs LaTeX)`` in the order
        derivatives/updates (by name), auxiliaries (evaluation order),
        identities (by name).
    """
    names = _symbol_names(system)
    latex = lambda e: sp.latex(e, symbol_names=names)  # noqa: E731
    tex = {n: _symbol_tex(v) for n, v in system.variables.items()}
    descriptions: dict[str, str] = {}
    for b in system.blocks:
        descriptions.setdefault(b.name, "")
        if b.description and not descriptions[b.name]:
            descriptions[b.name] = b.description
    eqs: dict[str, list[tuple[str, str, str]]] = {n: [] for n in descriptions}

    def add(block_name: str, key: str, lhs: str, rhs: str) -> None:
        if block_name not in eqs:  # equation owner unknown (should not happen)
            descriptions[block_name] = ""
            eqs[block_name] = []
        eqs[block_name].append((key, lhs, rhs))

    for n, e in system.derivatives.items():
        add(system.block_of.get(n, "?"), n, rf"\dot{{{tex[n]}}}", latex(e))
    for n, e in system.updates.items():
        add(system.block_of.get(n, "?"), n, rf"{{{tex[n]}}}_{{t+\Delta t}}", latex(e))
    for n, e in system.auxiliaries.items():
        add(system.block_of.get(n, "?"), n, tex[n], latex(e))
    from_tables = {n for tb in system.tables for n in tb.check_names()}  # printed with their tables
    for n, e in system.identities.items():
        if n not in from_tables:
            add(system.block_of.get(f"identity {n}", "?"), f"identity:{n}", "0", latex(e))
    return [(b, descriptions[b], eqs[b]) for b in eqs]


def _time_statement(system: System) -> str:
    """One sentence on the time convention, with ``$...$`` math."""
    if system.is_discrete:
        return (f"Discrete-time map with step $\\Delta t = {_fmt_number(system.dt)}$ year; "
                f"right-hand sides are evaluated at time $t$.")
    return "Continuous time $t$ in years; $\\dot{x}$ denotes $\\mathrm{d}x/\\mathrm{d}t$."


def _identity_text(key: str) -> str:
    return key.split(":", 1)[1] if key.startswith("identity:") else ""


# ---------------------------------------------------------------------------
# accounting matrices
# ---------------------------------------------------------------------------


def _table_cells(table: GodleyTable, system: System | None) -> list[tuple[str, list[str]]]:
    """Rows of a table: (label, [signed LaTeX entry by sector, then the row's sum]); "" for no entry.
    Labels are plain text (the caller escapes them); the column sums (all zero) are the caller's."""
    vars_ = dict(system.variables) if system is not None else {}
    names: dict[sp.Symbol, str] = {v.sym: _symbol_tex(v) for v in vars_.values()}

    def tex_of(x: sp.Symbol) -> str:
        v = vars_.get(x.name)
        return _symbol_tex(v) if v is not None else _WORD_RE.sub(r"\\mathit{\1}", sp.latex(x))

    def read(value: sp.Basic | str) -> sp.Expr:
        e = as_expr(value, tuple(vars_) or None, what=f"table {table.name!r}")
        changes = {}
        for d in e.atoms(sp.Derivative):
            sym = sp.Symbol(f"_dot_{d.expr}")  # model names never start with "_"
            inner = tex_of(d.expr) if isinstance(d.expr, sp.Symbol) else sp.latex(d.expr)
            names[sym] = rf"\dot{{{inner}}}"
            changes[d] = sym
        for x in e.free_symbols:
            if isinstance(x, sp.Symbol) and x not in names and x != t:
                names[x] = tex_of(x)
        return e.xreplace(changes) if changes else e

    def signed(e: sp.Expr) -> str:
        if e == 0:
            return "0"
        neg = e.could_extract_minus_sign()
        body = -e if neg else e
        text = sp.latex(body, symbol_names=names)
        if isinstance(body, sp.Add):
            text = rf"\left({text}\right)"
        return ("-" if neg else "+") + text

    rows: list[tuple[str, list[str]]] = []
    tangible = sp.S.Zero
    for r in table.rows:
        entries = {sec: read(v) for sec, v in r.entries.items()}
        if r.kind == "tangible":
            total = sp.Add(*entries.values())
            tangible += total
            sigma = signed(total)
        elif r.kind == "net_worth":
            sigma = signed(-tangible)
        else:
            sigma = "0"
        rows.append((r.label, [*(signed(entries[sec]) if sec in entries else "" for sec in table.sectors), sigma]))
    return rows


def _table_checks(table: GodleyTable, system: System | None) -> list[tuple[str, list[str]]]:
    """``(verdict, checks)``: the table's checks that carry information and those that hold by
    construction, when the System that holds the table is given (else nothing)."""
    if system is None or table not in system.tables:
        return []
    mine = [c for c in system.table_checks() if c.table == table.name]
    out = [("Checks carrying information", [c.name.split(": ", 1)[1] for c in mine if not c.trivial]),
           ("trivial (zero by construction)", [c.name.split(": ", 1)[1] for c in mine if c.trivial])]
    return [(verdict, names or ["none"]) for verdict, names in out]


def _table_intro(table: GodleyTable, system: System | None) -> tuple[str, str]:
    """The kind in words and the scale in LaTeX."""
    kind = table.kind.replace("_", "-").replace("transactions-flow", "transactions-flow matrix").replace(
        "balance-sheet", "balance sheet")
    scale = table.scale
    if isinstance(scale, str):
        scale = as_expr(scale, tuple(system.variables) if system is not None else None, what=f"table {table.name!r}")
    names = _symbol_names(system) if system is not None else {}
    return kind, sp.latex(scale, symbol_names=names)


def table_markdown(table: GodleyTable, system: System | None = None) -> list[str]:
    """Lines of a table in Markdown: a title line, a pipe table (rows x sectors, explicit signs,
    Sigma column and row) and, with the System holding it, its checks (trivial or not).

    Parameters
    ----------
    table : GodleyTable
        The table.
    system : System, optional
        The model, for its symbols' LaTeX names and the checks' verdicts.
    """
    rows = _table_cells(table, system)
    kind, scale = _table_intro(table, system)
    lines = [f"**{_md_escape(table.title)}** ({_md_code(table.name)}, {kind}; checks divided by ${scale}$)."
             + (f" Source: {_md_escape(table.source)}." if table.source else ""), ""]
    cell = lambda x: "$" + x.replace("|", "\\|") + "$" if x else ""  # noqa: E731
    lines.append("| | " + " | ".join(_md_escape(h) for h in table.sectors) + r" | $\Sigma$ |")
    lines.append("|---|" + "|".join("---:" for _ in range(len(table.sectors) + 1)) + "|")
    rows.append((r"$\Sigma$", ["0"] * (len(table.sectors) + 1)))
    for i, (label, entries) in enumerate(rows):
        first = label if i == len(rows) - 1 else _md_escape(label)
        lines.append(f"| {first} | " + " | ".join(cell(e) for e in entries) + " |")
    checks = _table_checks(table, system)
    if checks:
        lines += ["", "; ".join(f"{v}: " + ", ".join(_md_escape(c) for c in names) for v, names in checks) + "."]
    lines.append("")
    return lines


def table_latex(table: GodleyTable, system: System | None = None) -> list[str]:
    """Lines of a table in LaTeX: a booktabs ``table`` (rows x sectors, explicit signs, Sigma
    column and row; label ``tab:<model>:<table>``) and, with the System holding it, its checks.

    Parameters
    ----------
    table : GodleyTable
        The table.
    system : System, optional
        The model, for its symbols' LaTeX names, the label and the checks' verdicts.
    """
    rows = _table_cells(table, system)
    kind, scale = _table_intro(table, system)
    caption = (f"{latex_escape(table.title)} ({kind}; checks divided by ${scale}$)."
               + (f" Source: {latex_escape(table.source)}." if table.source else ""))
    body = [[latex_escape(label), *(f"${e}$" if e else "" for e in entries)] for label, entries in rows]
    body.append([r"\midrule $\Sigma$", *["$0$"] * (len(table.sectors) + 1)])
    head = ["", *(latex_escape(h) for h in table.sectors), r"$\Sigma$"]
    model = system.name if system is not None else "model"
    lines = _latex_table(body, head, "l" + "r" * (len(table.sectors) + 1), caption,
                         _label("tab", model, table.name))
    checks = _table_checks(table, system)
    if checks:
        lines += ["", f"Table {latex_escape(table.name)}. "
                  + "; ".join(f"{v}: " + ", ".join(latex_escape(c) for c in names) for v, names in checks) + "."]
    lines.append("")
    return lines


# ---------------------------------------------------------------------------
# nomenclature
# ---------------------------------------------------------------------------

NOMENCLATURE_COLUMNS: tuple[str, ...] = ("kind", "units", "long_name", "default", "lower", "upper",
                                         "source", "description", "block")


def nomenclature(system: System) -> pd.DataFrame:
    """Table of every declared symbol.

    Parameters
    ----------
    system : System
        The model.

    Returns
    -------
    pandas.DataFrame
        One row per symbol, indexed by ``symbol`` (the name), with columns
        ``kind``, ``units`` (the declared pint string), ``long_name``,
        ``default`` (float, NaN when none), ``lower`` and ``upper`` (bounds,
        NaN when unbounded), ``source``, ``description`` and ``block`` (from
        ``system.block_of``: the block holding the symbol's equation for
        stocks and auxiliaries, the declaring block otherwise). Rows are
        sorted by kind (stock, auxiliary, lever, exogenous, parameter) and
        then by name.
    """
    import pandas as pd

    nan = float("nan")
    rows = []
    index = []
    for v in _ordered_vars(system):
        lo, hi = v.bounds
        index.append(v.name)
        rows.append({
            "kind": v.kind,
            "units": v.units,
            "long_name": v.long_name,
            "default": nan if v.default is None else float(v.default),
            "lower": nan if lo is None else float(lo),
            "upper": nan if hi is None else float(hi),
            "source": v.source,
            "description": v.description,
            "block": system.block_of.get(v.name, ""),
        })
    df = pd.DataFrame(rows, index=pd.Index(index, name="symbol", dtype=object), columns=list(NOMENCLATURE_COLUMNS))
    for col in ("default", "lower", "upper"):
        df[col] = df[col].astype(float)
    return df


# ---------------------------------------------------------------------------
# LaTeX
# ---------------------------------------------------------------------------


def _label(*parts: str) -> str:
    return ":".join(re.sub(r"[^A-Za-z0-9.\-]+", "-", p) for p in parts)


def _latex_table(rows: Iterable[list[str]], header: list[str], colspec: str, caption: str, label: str) -> list[str]:
    out = [r"\begin{table}[htbp]", r"\centering", r"\small",
           rf"\caption{{{caption}}}", rf"\label{{{label}}}",
           rf"\begin{{tabular}}{{{colspec}}}", r"\toprule",
           " & ".join(header) + r" \\", r"\midrule"]
    out += [" & ".join(r) + r" \\" for r in rows]
    out += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return out


def _describe(v: Var) -> str:
    text = _oneline(v.long_name)
    desc = _oneline(v.description)
    if desc and desc != text:
        text = f"{text}: {desc}" if text else desc
    return latex_escape(text)


def to_latex(system: System, *, section: str = "section") -> str:
    """Equations and symbol tables as a LaTeX fragment for a paper appendix.

    Parameters
    ----------
    system : System
        The model.
    section : str
        Sectioning command used for each block (``"section"``,
        ``"subsection"``, ...).

    Returns
    -------
    str
        A fragment (no ``\\documentclass``) that needs only the ``amsmath``
        and ``booktabs`` packages: a leading comment, one section per block
        with its equations in an ``align`` environment (labelled
        ``eq:<model>:<symbol>``), a table of the other symbols (stocks,
        auxiliaries, levers, exogenous inputs) and a table of parameters with
        symbol, description, value, units and source. Text fields are escaped.

    Raises
    ------
    ValueError
        If ``section`` is not a standard sectioning command.
    """
    if section not in _SECTIONING:
        raise ValueError(f"section must be one of {', '.join(_SECTIONING)}, got {section!r}")
    model = system.name
    lines = [
        f"% {_oneline(model)}: equations and parameters, generated by model.core.documentation.to_latex",
        f"% equations hash {system.equations_hash()}",
        r"% Requires \usepackage{amsmath} and \usepackage{booktabs} in the preamble.",
        "",
    ]
    if system.description:
        lines += [latex_escape(plain(system.description)), ""]
    lines += [_time_statement(system), ""]

    for bname, bdesc, eqs in _equation_groups(system):
        lines.append(rf"\{section}{{{latex_escape(bname) or 'Unnamed block'}}}")
        lines.append(rf"\label{{{_label('sec', model, bname)}}}")
        if bdesc:
            lines.append(latex_escape(plain(bdesc)))
        if not eqs:
            lines += ["This block declares symbols only.", ""]
            continue
        lines.append(r"\begin{align}")
        for i, (key, lhs, rhs) in enumerate(eqs):
            ident = _identity_text(key)
            tag = rf" \qquad \text{{({latex_escape(ident)})}}" if ident else ""
            end = r" \\" if i < len(eqs) - 1 else ""
            lines.append(rf"  {lhs} &= {rhs}{tag} \label{{{_label('eq', model, *key.split(':'))}}}{end}")
        lines += [r"\end{align}", ""]
    if system.tables:
        lines += [rf"\{section}{{Accounting matrices}}", rf"\label{{{_label('sec', model, 'tables')}}}", ""]
        for tb in system.tables:
            lines += table_latex(tb, system)

    caption_model = latex_escape(model)
    others = [v for v in _ordered_vars(system) if v.kind != "parameter"]
    if others:
        rows = [[f"${_symbol_tex(v)}$", latex_escape(v.kind), _describe(v), _latex_number(v.default),
                 _latex_units(v.units), latex_escape(v.source)] for v in others]
        lines += _latex_table(rows, ["Symbol", "Kind", "Description", "Default", "Units", "Source"],
                              r"l l p{0.3\linewidth} r l p{0.22\linewidth}",
                              f"Variables of the {caption_model} model (defaults of stocks are initial values).",
                              _label("tab", model, "variables"))
        lines.append("")
    params = [v for v in _ordered_vars(system) if v.kind == "parameter"]
    if params:
        rows = [[f"${_symbol_tex(v)}$", _describe(v), _latex_number(v.default), _latex_units(v.units),
                 latex_escape(v.source)] for v in params]
        lines += _latex_table(rows, ["Symbol", "Description", "Value", "Units", "Source"],
                              r"l p{0.3\linewidth} r l p{0.3\linewidth}",
                              f"Parameters of the {caption_model} model.", _label("tab", model, "parameters"))
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------


def to_markdown(system: System) -> str:
    """Equations and nomenclature as Markdown.

    Parameters
    ----------
    system : System
        The model.

    Returns
    -------
    str
        A title, one section per block with its equations in a ``$$`` display
        (``aligned`` environment; renders on GitHub, MathJax and KaTeX), and a
        pipe table of every symbol (sorted as :func:`nomenclature`).
    """
    model = system.name
    lines = [f"# {_md_escape(model)}", ""]
    if system.description:
        lines += [_md_escape(plain(system.description)), ""]
    lines += [_time_statement(system), "", "## Equations", ""]
    for bname, bdesc, eqs in _equation_groups(system):
        lines += [f"### {_md_escape(bname) or 'Unnamed block'}", ""]
        if bdesc:
            lines += [_md_escape(plain(bdesc)), ""]
        if not eqs:
            lines += ["This block declares symbols only.", ""]
            continue
        lines += ["$$", r"\begin{aligned}"]
        for i, (key, lhs, rhs) in enumerate(eqs):
            ident = re.sub(r"[^A-Za-z0-9 .,:()\-]+", " ", _identity_text(key)).strip()
            tag = rf" \qquad \text{{({ident})}}" if ident else ""
            end = r" \\" if i < len(eqs) - 1 else ""
            lines.append(f"{lhs} &= {rhs}{tag}{end}")
        lines += [r"\end{aligned}", "$$", ""]
    if system.tables:
        lines += ["## Accounting matrices", ""]
        for tb in system.tables:
            lines += table_markdown(tb, system)

    lines += ["## Nomenclature", ""]
    header = ["Name", "Symbol", "Kind", "Units", "Long name", "Default", "Lower", "Upper", "Block", "Source",
              "Description"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join("---:" if h in ("Default", "Lower", "Upper") else "---" for h in header) + "|")
    for v in _ordered_vars(system):
        lo, hi = v.bounds
        cells = [_md_code(v.name), "$" + _symbol_tex(v).replace("|", "\\|") + "$", v.kind, _md_code(v.units),
                 _md_escape(v.long_name), _fmt_number(v.default), _fmt_number(lo), _fmt_number(hi),
                 _md_escape(system.block_of.get(v.name, "")), _md_escape(v.source), _md_escape(v.description)]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)
