"""The logit transform of a bounded support, shared by every sampler of the joint calibration.

A parameter ``theta`` in ``(lower, lower + width)`` is sampled on the unbounded scale
``u = ln(s / (1 - s))``, ``s = (theta - lower) / width``: a posterior pressed against a prior bound becomes a tail
a sampler can move along, and no step leaves the support. Used by the emcee target
(:class:`calibration.joint.Logit`), the tempered SMC (:mod:`calibration.smc`), the logit-scale Laplace
approximation and its Student-t reference (:mod:`calibration.sbc`) and the population Monte Carlo of
:func:`calibration.twostage.importance_correct`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["logit", "logistic", "log_jacobian", "neg_log_slope"]


def logit(theta, lower, width, clip: float = 0.0) -> np.ndarray:
    """``u = ln(s / (1 - s))``, ``s = (theta - lower) / width``, elementwise.

    Parameters
    ----------
    theta : array_like
        Values in the support [the parameters' units], last axis the parameters.
    lower, width : array_like
        The support's lower bound and width per parameter [the parameters' units].
    clip : float
        ``s`` is clipped to ``[clip, 1 - clip]`` first when positive (finite ``u`` at or beyond the bounds);
        0 (default): not clipped (``-inf``/``+inf`` at the bounds, NaN outside).

    Returns
    -------
    numpy.ndarray
        ``u`` [dimensionless], the shape of ``theta``.
    """
    s = (np.asarray(theta, float) - lower) / width
    if clip:
        s = np.clip(s, clip, 1 - clip)
    return np.log(s) - np.log1p(-s)


def logistic(u, lower, width) -> np.ndarray:
    """``theta = lower + width / (1 + exp(-u))``, the inverse of :func:`logit` (computed as
    ``lower + width * expit(u)``, scipy's logistic, without overflow).

    Parameters
    ----------
    u : array_like
        Values on the logit scale [dimensionless], last axis the parameters.
    lower, width : array_like
        As :func:`logit` [the parameters' units].

    Returns
    -------
    numpy.ndarray
        ``theta`` [the parameters' units]; far out (``|u|`` beyond about 36) the bound itself.
    """
    from scipy.special import expit

    return lower + width * expit(np.asarray(u, float))


def neg_log_slope(u) -> np.ndarray:
    """``-ln(s (1 - s))`` elementwise, ``s`` the logistic of ``u``: minus the log-Jacobian ``ln |d theta / d u|`` of
    :func:`logistic` up to the constant ``ln(width)``; at least ``ln 4`` [dimensionless]."""
    u = np.asarray(u, float)
    return np.logaddexp(0, -u) + np.logaddexp(0, u)


def log_jacobian(u, width) -> np.ndarray:
    """``ln |d theta / d u|`` of :func:`logistic`, summed over the parameters (the last axis):
    ``sum(ln(width) - ln(1 + e^-u) - ln(1 + e^u))``.

    Parameters
    ----------
    u : array_like
        Values on the logit scale [dimensionless], last axis the parameters.
    width : array_like
        The supports' widths per parameter [the parameters' units].

    Returns
    -------
    numpy.ndarray
        One value per point (``u``'s shape without its last axis) [log of the parameters' units].
    """
    u = np.asarray(u, float)
    with np.errstate(over="ignore"):
        return np.sum(np.log(width) - np.logaddexp(0, -u) - np.logaddexp(0, u), axis=-1)
