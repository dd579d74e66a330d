"""Tests for model.core.documentation: nomenclature, LaTeX appendix and Markdown output."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from model.core.blocks import Block
from model.core.documentation import latex_escape, nomenclature, to_latex, to_markdown
from model.core.symbols import aux, param, stock
from model.core.system import combine
from model.library.keen import keen

ROOT = Path(__file__).resolve().parents[2]
NASTY_SOURCE = "R&D survey 5% of GDP_ppp, table #3 {a} ~ ^2 $x"


def build_special_system():
    """Tiny continuous system whose texts hold LaTeX/Markdown special characters."""
    k = stock("capital_stock", "USD", "capital stock", default=1.0, bounds=(0.0, None),
              description="Stock of capital | machines & buildings", source="assumed_initial 100%")
    s = param("saving_rate", "1/year", "saving rate", default=0.2, bounds=(0.0, 1.0), source=NASTY_SOURCE)
    p = param("carbon_price", "USD/tCO2", "carbon price", default=1.5e-7, source="tiny & made_up")
    inv = aux("investment", "USD/year", "investment")
    b = Block(name="growth & saving_block", variables=(k, s, p, inv),
              auxiliaries={"investment": s.sym * k.sym},
              derivatives={"capital_stock": inv.sym},
              identities={"flow_balance": inv.sym - s.sym * k.sym},
              description="Capital accumulation (100% saved_income).")
    only_params = Block(name="declarations", variables=(param("unused", "dimensionless", default=2.0, source="x"),))
    return combine(b, only_params, name="tiny_model")


@pytest.fixture(scope="module")
def special_system():
    return build_special_system()


@pytest.fixture(scope="module")
def discrete_system():
    x = stock("x", "GtC", "carbon stock", default=1.0, latex=r"M_{at}")
    a = param("a", "dimensionless", "retention", default=0.9, source="assumed", latex=r"\phi_{11}")
    b = Block(name="carbon", variables=(x, a), updates={"x": a.sym * x.sym})
    return combine(b, name="disc", dt=5.0)


def _check_balanced_environments(text: str) -> None:
    stack = []
    for kind, env in re.findall(r"\\(begin|end)\{([^}]*)\}", text):
        if kind == "begin":
            stack.append(env)
        else:
            assert stack, f"\\end{{{env}}} without \\begin"
            assert stack.pop() == env, f"\\end{{{env}}} closes another environment"
    assert not stack, f"unclosed environments: {stack}"


def _check_balanced_braces(text: str) -> None:
    depth = 0
    for line in text.splitlines():
        line = re.sub(r"(?<!\\)%.*", "", line)  # comments
        line = line.replace(r"\\", "").replace(r"\{", "").replace(r"\}", "")
        for ch in line:
            depth += {"{": 1, "}": -1}.get(ch, 0)
            assert depth >= 0, f"unbalanced braces in {line!r}"
    assert depth == 0


# ---------------------------------------------------------------------------
# nomenclature
# ---------------------------------------------------------------------------


def test_nomenclature_keen_counts_and_values(keen_system):
    df = nomenclature(keen_system)
    assert df.index.name == "symbol"
    assert list(df.columns) == ["kind", "units", "long_name", "default", "lower", "upper", "source",
                                "description", "block"]
    counts = df["kind"].value_counts().to_dict()
    assert counts == {"stock": 3, "parameter": 10, "auxiliary": 4}
    assert len(df) == len(keen_system.variables) == 17
    assert df.loc["nu", "units"] == "year"
    assert df.loc["kappa2", "default"] == 20
    assert df.loc["lam", "lower"] == 0.0 and df.loc["lam", "upper"] == 1.0
    assert df["lower"].isna()["d"] and df["default"].isna()["g"]
    params = df[df["kind"] == "parameter"]
    assert (params["source"].str.strip().str.len() > 0).all()
    assert (df["block"] == "keen").all()


def test_nomenclature_order_and_determinism(keen_system):
    df = keen_system.nomenclature()
    kinds = list(df["kind"])
    order = ["stock", "auxiliary", "lever", "exogenous", "parameter"]
    assert kinds == sorted(kinds, key=order.index)
    for kind in set(kinds):
        names = list(df.index[df["kind"] == kind])
        assert names == sorted(names)
    assert list(df.index[:3]) == ["d", "lam", "omega"]
    assert df.equals(nomenclature(keen()))


def test_nomenclature_block_column(special_system):
    df = nomenclature(special_system)
    assert df.loc["unused", "block"] == "declarations"
    assert df.loc["investment", "block"] == "growth & saving_block"


# ---------------------------------------------------------------------------
# LaTeX
# ---------------------------------------------------------------------------


def test_latex_keen_content(keen_system):
    tex = to_latex(keen_system)
    assert "\\documentclass" not in tex
    assert r"\dot{\omega}" in tex and r"\dot{\lambda}" in tex and r"\dot{d}" in tex
    assert r"\lambda" in tex and r"\kappa_{2}" not in tex  # declared LaTeX names are used
    assert r"\kappa_2" in tex
    assert not re.search(r"\blam\b", re.sub(r"\\label\{[^}]*\}", "", tex.split(r"\begin{table}")[0]))
    assert "amsmath" in tex.splitlines()[2] and "booktabs" in tex.splitlines()[2]
    assert re.search(r"\\section\{keen\}", tex)
    body = tex.split(r"\caption{Parameters")[1]
    for value in ("0.025", "0.02", "0.01", "$3$", "0.03", "-0.0065", "$20$", "0.0400641", "0.00673795",
                  r"6.41026 \times 10^{-5}"):
        assert value in body, value
    for name in keen_system.parameters:
        v = keen_system[name]
        assert f"${v.tex}$ & " in body
    assert r"Grasselli \& Costa Lima" in tex and "Grasselli & Costa" not in tex
    assert r"$\mathrm{year}^{-1}$" in tex and r"$\mathrm{year}$" in tex
    _check_balanced_environments(tex)
    _check_balanced_braces(tex)
    assert tex.count(r"\begin{align}") == 1
    assert tex == keen_system.to_latex() == to_latex(keen())


def test_latex_aux_equations_follow_evaluation_order(keen_system):
    tex = to_latex(keen_system)
    pos = [tex.index(rf"\label{{eq:keen:{n}}}") for n in keen_system.aux_order]
    assert pos == sorted(pos)


def test_latex_escapes_special_characters(special_system):
    tex = to_latex(special_system)
    escaped = (r"R\&D survey 5\% of GDP\_ppp, table \#3 \{a\} \textasciitilde{} "
               r"\textasciicircum{}2 \$x")
    assert latex_escape(NASTY_SOURCE) == escaped
    assert escaped in tex
    assert "R&D" not in tex and "5%" not in tex and "GDP_ppp" not in tex
    assert r"assumed\_initial 100\%" in tex
    assert r"\section{growth \& saving\_block}" in tex
    assert r"Capital accumulation (100\% saved\_income)." in tex
    assert r"Stock of capital \textbar{} machines \& buildings" in tex
    assert r"tiny \& made\_up" in tex
    # identity written as 0 = ..., with its (escaped) name
    assert re.search(r"0 &= .*\\text\{\(flow\\_balance\)\}", tex)
    # multi-letter names without declared LaTeX are set in \mathit
    assert r"\dot{\mathit{capital}_{\mathit{stock}}}" in tex
    # units through pint; a tiny value in scientific notation
    assert r"$\mathrm{USD}\,\mathrm{tCO2}^{-1}$" in tex
    assert r"$1.5 \times 10^{-7}$" in tex
    # a block without equations gets no (empty, invalid) align environment
    assert r"\section{declarations}" in tex and tex.count(r"\begin{align}") == 1
    _check_balanced_environments(tex)
    _check_balanced_braces(tex)


def test_latex_discrete(discrete_system):
    tex = to_latex(discrete_system)
    assert r"{M_{at}}_{t+\Delta t} &= \phi_{11} M_{at}" in tex
    assert r"\Delta t = 5$" in tex
    assert r"\dot" not in tex.split(r"\section")[1]
    _check_balanced_environments(tex)
    md = to_markdown(discrete_system)
    assert r"{M_{at}}_{t+\Delta t} &=" in md


def test_latex_section_option(keen_system):
    assert r"\subsection{keen}" in to_latex(keen_system, section="subsection")
    with pytest.raises(ValueError, match="section"):
        to_latex(keen_system, section="bogus")


@pytest.mark.subprocess
def test_output_deterministic_across_processes(keen_system, special_system):
    """Two interpreters with other string-hash seeds write the same text, for keen and for a two-block
    system with special characters (an order taken from a set or a hash would differ)."""
    code = ("import importlib.util, sys; from model.library.keen import keen; "
            "from model.core.documentation import to_latex, to_markdown; "
            f"spec = importlib.util.spec_from_file_location('this_test', {str(Path(__file__))!r}); "
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); "
            "out = [f(s) for s in (keen(), m.build_special_system()) for f in (to_latex, to_markdown)]; "
            "sys.stdout.write('\\n=====\\n'.join(out))")
    here = "\n=====\n".join(f(s) for s in (keen_system, special_system) for f in (to_latex, to_markdown))
    for seed in ("12345", "987654"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True).stdout
        assert out == here


@pytest.mark.subprocess
@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
@pytest.mark.parametrize("which", ["keen", "special", "discrete"])
def test_latex_compiles(which, keen_system, special_system, discrete_system, tmp_path):
    system = {"keen": keen_system, "special": special_system, "discrete": discrete_system}[which]
    doc = ("\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{booktabs}\n"
           "\\begin{document}\n" + to_latex(system) + "\n\\end{document}\n")
    (tmp_path / "appendix.tex").write_text(doc, encoding="utf-8")
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "appendix.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert (tmp_path / "appendix.pdf").exists()


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------


def test_markdown_keen(keen_system):
    md = to_markdown(keen_system)
    lines = md.splitlines()
    header = [i for i, line in enumerate(lines) if line.startswith("| Name | Symbol | Kind | Units |")]
    assert len(header) == 1
    sep = lines[header[0] + 1]
    assert re.fullmatch(r"\|(-{3}:?\|)+|\|(?:-{3}:?\|)+", sep) or set(sep) <= set("|-:")
    rows = [line for line in lines[header[0] + 2:] if line.startswith("|")]
    assert len(rows) == len(keen_system.variables)
    ncols = lines[header[0]].count(" | ") + 1
    for row in rows:
        assert len(re.split(r"(?<!\\)\|", row)) - 2 == ncols
    for name in keen_system.variables:
        assert f"`{name}`" in md
    assert md.count("$$") % 2 == 0 and md.count("$$") >= 2
    assert r"\dot{\omega} &= " in md and r"\lambda" in md
    assert "| `kappa2` | $\\kappa_2$ | parameter | `dimensionless` |" in md
    assert "| 20 |" in md
    assert md == keen_system.to_markdown()
    _check_balanced_environments(md)


def test_markdown_escapes(special_system):
    md = to_markdown(special_system)
    for name in special_system.variables:
        assert f"`{name}`" in md
    assert r"Stock of capital \| machines & buildings" in md  # a pipe cannot break the table
    assert r"GDP\_ppp" in md and r"\$x" in md
    assert "0 &= " in md and r"\text{(flow balance)}" in md
    assert "### growth & saving\\_block" in md
    lines = md.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("| Name |"))
    ncols = lines[i].count(" | ") + 1
    for row in lines[i + 2:]:
        if row.startswith("|"):
            assert len(re.split(r"(?<!\\)\|", row)) - 2 == ncols
