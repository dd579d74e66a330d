"""The package version (written into every result's provenance)."""

__version__ = "0.1.0"
