"""The exception raised for any problem with the calibration data files."""

from __future__ import annotations


class DataError(ValueError):
    """A data file is missing, altered, malformed or in unexpected units.

    The message always names the file (relative path in the data directory)
    and says what to do about it.
    """
