"""``dgm ensemble --prior-sensitivity``: the table is added to the report, each assumption-only prior scaled
about its centre, zero kept where its range holds it, clipped to the declared bounds."""

import re

from model.cli.commands import main


def test_dgm_ensemble_adds_the_prior_sensitivity_table_to_the_report(tmp_path, capsys):
    out, rep = tmp_path / "e.nc", tmp_path / "r.txt"
    assert main(["ensemble", "--defaults", "--names", "chi,kappa_M", "--draws", "16", "--t-end", "2035",
                 "--variables", "", "--prior-sensitivity", "--sensitivity-draws", "12", "--out", str(out),
                 "--report", str(rep)]) == 0
    text = rep.read_text()
    assert text.index("Prior sensitivity: p(market_shaping beats market_fixing, failures counted as losses)") > 0
    assert "avg_growth: base p = " in text and "(12 draws)" in text
    # 12 draws: the report says what one draw is worth (100/12 = 8.3 pp; s.e. up to 50/sqrt(12) = 14 pp)
    assert "warning: only 12 draws per prior-sensitivity ensemble: one draw moves p by 8.3 pp and its Monte " \
           "Carlo s.e. reaches 14 pp" in text
    rows = {tuple(m.groups()[:2]): tuple(map(float, m.groups()[2:]))
            for m in re.finditer(r"^  (chi|kappa_M) +(\S+) +(\S+) +(\S+) ", text, re.M)}
    # chi: prior [-0.5, 1], centre 0.25: half-widths 0.375 and 1.125; kappa_M: prior [0, 4], centre 2: x0.5 is
    # [1, 3] with zero kept, [0, 3]; x1.5 is [-1, 5] clipped to its declared lower bound 0
    assert rows[("chi", "0.5")] == (-0.125, 0.625) and rows[("chi", "1.5")] == (-0.875, 1.375)
    assert rows[("kappa_M", "0.5")] == (0.0, 3.0) and rows[("kappa_M", "1.5")] == (0.0, 5.0)
    # the report leads each outcome with p counting failures as losses, with its Monte Carlo s.e.
    assert re.search(r"^- avg_growth: market_shaping beats market_fixing in \S+ of 16 draws \(\+- [\d.]+ pp, "
                     r"Monte Carlo s\.e\.", text, re.M)


def test_prior_sensitivity_refuses_a_draw_table(tmp_path, capsys):
    table = tmp_path / "t.csv"
    table.write_text("chi\n0.1\n0.2\n")
    assert main(["ensemble", "--defaults", "--table", str(table), "--prior-sensitivity",
                 "--out", str(tmp_path / "e.nc")]) == 2
    assert "--prior-sensitivity re-maps prior draws: it does not combine with --table" in capsys.readouterr().err
