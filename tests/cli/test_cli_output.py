"""What dgm prints for people: counts in the right number, docstring markup rendered, a help line and
a description for every command, and a closed standard output ending a command quietly."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from model.cli.commands import BROKEN_PIPE, main

ROOT = Path(__file__).resolve().parents[2]

#: reST inline markup that must not reach a terminal
MARKUP = re.compile(r"``|:(?:func|class|mod|meth|data|attr):`")


def test_models_prints_counts_in_the_right_number_and_plain_text(capsys):
    assert main(["models"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert re.search(r"\s1 stock\s", rows["solow"]) and "stocks" not in rows["solow"]  # Solow: capital only
    assert re.search(r"\s3 stocks\s", rows["keen"]) and re.search(r"\s34 stocks\s", rows["directed_growth"])
    assert "years from t0," in rows["directed_growth"]  # the docstring says ``t0``
    assert not any(MARKUP.search(r) for r in rows.values()), rows
    assert rows["dice2016_discrete"].endswith("Discrete map, steps of 5 years.")


def test_equations_render_docstring_markup_as_text(capsys):
    assert main(["equations", "directed_growth", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert "years from t0, US start data by default" in md and "t0\\`" not in md


def _choices(capsys) -> list[str]:
    """Every subcommand argparse knows (its invalid-choice message lists them all, with or without help)."""
    assert main(["nosuchverb"]) == 2
    listed = re.search(r"choose from (.*?)\) \(see dgm --help\)", capsys.readouterr().err).group(1)
    return re.findall(r"'([\w-]+)'", listed)


def test_every_command_has_a_help_line_and_a_description(capsys):
    commands = _choices(capsys)
    assert "models" in commands and len(commands) >= 9
    assert main(["--help"]) == 0
    overview = capsys.readouterr().out
    for cmd in commands:  # listed in dgm --help with its one-line help (on its line or the next)
        m = re.search(rf"^    {cmd}(?: +(\S.*)|\n {{10,}}(\S.*))$", overview, re.MULTILINE)
        assert m and (m.group(1) or m.group(2)), f"dgm --help gives no one-line help for {cmd!r}"
    for cmd in commands:  # and its own --help opens with a description after the usage lines
        assert main([cmd, "--help"]) == 0
        blocks = capsys.readouterr().out.split("\n\n")
        assert blocks[0].startswith(f"usage: dgm {cmd}")
        assert not re.match(r"(positional arguments|options):", blocks[1]), f"dgm {cmd} --help has no description"
        assert len(blocks[1].split()) >= 5, blocks[1]


@pytest.mark.subprocess
@pytest.mark.parametrize("argv", [["models"], ["equations", "keen"]], ids=" ".join)
def test_a_closed_stdout_ends_quietly_with_status_141(argv, tmp_path):
    """``dgm models | head -1``: the reader is gone before dgm writes (its end of the pipe closed first),
    so the first write fails with EPIPE; dgm says nothing and exits 141 as git and coreutils do."""
    read, write = os.pipe()
    os.close(read)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DGM_CACHE_DIR": str(tmp_path / "cache")}
    try:
        proc = subprocess.run([sys.executable, "-m", "model.cli", *argv], stdout=write, stderr=subprocess.PIPE,
                              cwd=tmp_path, env=env, text=True, timeout=300)
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (BROKEN_PIPE, "")
    assert BROKEN_PIPE == 128 + 13  # what a shell reports for a program killed by SIGPIPE


def test_broken_pipe_in_process_returns_the_status_without_a_message(capsys, monkeypatch):
    class Closed:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Closed())
    assert main(["models"]) == BROKEN_PIPE
    assert capsys.readouterr().err == ""
