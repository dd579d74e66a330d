"""Policies are values: equal policies are equal and hash alike, so they work as set members and dict keys."""

import sympy as sp

from model.core.levers import Policy, Rule, constant, ramp


def test_equal_policies_hash_alike_whatever_the_keyword_order():
    a = Policy("p", "text", tau=ramp(2025, 2030, 0.0, 1.0), rate=0.02, brake=Rule(sp.Symbol("d") - 1))
    b = Policy("p", "text", brake=Rule(sp.Symbol("d") - 1), rate=constant(0.02), tau=ramp(2025, 2030, 0.0, 1.0))
    assert a == b and a is not b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1 and {a: 1}[b] == 1


def test_policies_that_differ_are_told_apart_in_a_set():
    base = Policy("p", rate=0.02)
    others = [Policy("q", rate=0.02), Policy("p", "other text", rate=0.02), Policy("p", rate=0.03),
              Policy("p", rate=0.02, tau=0.1), Policy("p", rate=Rule(sp.Symbol("d")))]
    assert all(o != base for o in others)
    assert len({base, *others}) == 1 + len(others)
    assert base.with_levers(rate=0.03) == Policy("p", rate=0.03)
    assert hash(base.with_levers(rate=0.03)) == hash(Policy("p", rate=0.03))
