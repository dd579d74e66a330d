"""Solve compiled models: single runs, forward sensitivities, ensembles (and their
on-disk stores), result datasets with provenance, and reruns."""
