"""Start-state files: a country's start state (:func:`calibration.start_state.start_state`) written as TOML.

The model package ships one file per country (``model/directed_growth/countries/<code>.toml``, read by
:func:`model.directed_growth.countries.country_start`): generated files under version control, rewritten
by ``python -m calibration.start_state_file`` (``--check`` compares without writing). A user's copy is
written by ``dgm calibrate --start-state FILE``, which refuses to overwrite an existing file without
``--force``.

Each field is a TOML table (value, unit, series, files with their sha256, last data year, bridging rule,
...) preceded by comment lines that say the same in words, with the alternatives considered. No
timestamp is written: regenerating from unchanged data gives the same bytes.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import textwrap
import tomllib
from collections.abc import Sequence
from pathlib import Path

import tomli_w

from model.directed_growth.countries import COUNTRIES, COUNTRY_DIR
from model.files import write_atomic

from .start_state import start_panel, start_state

__all__ = ["to_toml", "write_start_state", "package_file", "regenerate", "main"]

_WIDTH = 118


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, _WIDTH, initial_indent="# ", subsequent_indent="#   ", break_on_hyphens=False)


def _describe(name: str, table: dict) -> list[str]:
    lines = _comment(f"{name}: {table['description']} [{table['unit']}]. Series: {table.get('series', '-')}.")
    lines += _comment(f"Rule: {table['rule']}.")
    if "source" in table:
        lines += _comment(f"Source: {table['source']}. Prior: {table['prior']}.")
    if table.get("note"):
        lines += _comment(f"Note: {table['note']}.")
    for key, value in table.get("alternatives", {}).items():
        lines += _comment(f"Alternative {key} = {value:.6g}")
    return lines


def _literal(value: object) -> str:
    """A TOML value on one line (arrays inline; strings, numbers and booleans escaped by tomli_w)."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    return tomli_w.dumps({"x": value}).split(" = ", 1)[1].rstrip("\n")


def _key(part: str) -> str:
    return part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else _literal(part)


def _table(path: tuple[str, ...], table: dict) -> str:
    """``[path]`` with its values on one line each, then its sub-tables."""
    values = [f"{_key(k)} = {_literal(v)}" for k, v in table.items() if not isinstance(v, dict)]
    subtables = [_table((*path, k), v) for k, v in table.items() if isinstance(v, dict)]
    if not values and subtables:  # a table of tables needs no header of its own
        return "\n".join(subtables)
    lines = [f"[{'.'.join(_key(p) for p in path)}]", *values]
    return "\n".join(lines) + "\n" + "".join("\n" + sub for sub in subtables)


def to_toml(state: dict) -> str:
    """The text of a start-state file: a header, ``[meta]``, then one commented table per field.

    Parameters
    ----------
    state : dict
        As returned by :func:`calibration.start_state.start_state`.

    Returns
    -------
    str
        TOML (1.0) that :mod:`tomllib` reads back into ``state``.
    """
    meta = state["meta"]
    head = _comment(f"Start state of the directed-growth model: {meta['name']} ({meta['country']}), {meta['year']}. "
                    "Generated from the data by calibration.start_state; do not edit by hand: regenerate with "
                    "`python -m calibration.start_state_file` (the package's files) or `dgm calibrate --country "
                    f"{meta['country']} --start-state FILE` (a copy). Money: {meta['money']}; people: "
                    f"{meta['people']}. {meta['rules']}.")
    parts = ["\n".join(head), _table(("meta",), meta)]
    for name, table in state.items():
        if name != "meta":
            parts.append("\n".join(_describe(name, table)) + "\n" + _table((name,), table))
    return "\n".join(part.rstrip("\n") + "\n" for part in parts)


def write_start_state(state: dict, path: str | os.PathLike[str]) -> Path:
    """Write ``state`` to ``path`` atomically (a temporary file in the same folder, then a rename).

    The caller decides whether an existing file may be replaced (``dgm calibrate`` checks ``--force``
    before any work starts).

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    text = to_toml(state)
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path


def package_file(code: str) -> Path:
    """The package's start-state file of a country (``model/directed_growth/countries/<code>.toml``)."""
    return COUNTRY_DIR / f"{code.lower()}.toml"


def _differences(old: dict, new: dict, prefix: str = "") -> list[str]:
    """Keys whose values differ between two parsed files (floats to 1e-12 relative)."""
    out = []
    for key in sorted(set(old) | set(new)):
        a, b, name = old.get(key), new.get(key), f"{prefix}{key}"
        if isinstance(a, dict) and isinstance(b, dict):
            out += _differences(a, b, name + ".")
        elif isinstance(a, float) and isinstance(b, float):
            if abs(a - b) > 1e-12 * max(abs(a), abs(b)):
                out.append(f"{name}: {a!r} -> {b!r}")
        elif a != b:
            out.append(f"{name}: {a!r} -> {b!r}")
    return out


def regenerate(data_dir: str | os.PathLike[str] | None = None, *, check: bool = False,
               countries: Sequence[str] = COUNTRIES) -> dict[str, list[str]]:
    """Recompute the package's start-state files from the data; write them unless ``check``.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Data directory (default: ``DGM_DATA_DIR``, else ``../shared/data`` beside the checkout).
    check : bool
        Only compare: nothing is written.
    countries : sequence of str

    Returns
    -------
    dict
        Country code -> the fields that differ(ed) from the file on disk, or a note that only the text
        did (empty: the file is byte for byte the fresh computation).
    """
    panel = start_panel(data_dir)
    changes = {}
    for code in countries:
        text = to_toml(start_state(code, panel=panel))
        path = package_file(code)
        old_text = path.read_text(encoding="utf-8") if path.is_file() else None
        if old_text is None:
            changes[code] = ["(new file)"]
        else:
            changes[code] = _differences(tomllib.loads(old_text), tomllib.loads(text))
            if not changes[code] and old_text != text:
                changes[code] = ["(same values, other text: comments or layout)"]
        if not check and changes[code]:
            write_atomic(path, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
    return changes


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m calibration.start_state_file [--check] [--data-dir DIR]``: regenerate the package's files."""
    parser = argparse.ArgumentParser(prog="python -m calibration.start_state_file",
                                     description="Regenerate the start-state files the model package ships "
                                                 f"({COUNTRY_DIR}) from the data.")
    parser.add_argument("--data-dir", default=None, metavar="DIR", help="data directory (default: $DGM_DATA_DIR)")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if a file is out of date")
    args = parser.parse_args(argv)
    changes = regenerate(args.data_dir, check=args.check)
    for code, diff in changes.items():
        state = "up to date" if not diff else ("out of date" if args.check else "rewritten")
        print(f"{package_file(code)}: {state}" + "".join(f"\n  {line}" for line in diff[:20]))
    return 1 if args.check and any(changes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
