"""Declare and validate models: symbols, blocks, systems, accounting matrices, levers and policies, units,
expressions as text, and documentation (nomenclature, LaTeX, Markdown)."""
