"""The closed forms of sim/engine/valuation.py against brute-force sums."""

import numpy as np

from sim.engine import valuation


def brute(delta, horizon, q, sign, line, u_cost_peace, u_cost_resumed, adv_r):
    """Expected discounted value, summing over weeks with W_k expected weeks of war."""
    total = 0.0
    for k in range(horizon):
        surv = q ** k
        weeks_of_war = sum(1 - q ** j for j in range(k))
        territory = line + adv_r * weeks_of_war
        total += delta ** k * (surv * (sign * line / 52 - u_cost_peace)
                               + (1 - surv) * (-u_cost_resumed) + sign * (territory - line) / 52
                               + (1 - surv) * sign * line / 52)
    return total


def test_discount_sums():
    d, h = np.array([0.99, 0.995]), np.array([52.0, 156.0])
    s0, s1 = valuation.discount_sums(d, h)
    for i in range(2):
        k = np.arange(int(h[i]))
        assert np.isclose(s0[i], np.sum(d[i] ** k)) and np.isclose(s1[i], np.sum(k * d[i] ** k))


def test_value_deal_equals_brute_force():
    delta, horizon, q = 0.995, 104, 0.99
    sign, line, cp, cr, adv = -1.0, 19.0, 0.01, 0.05, 0.02
    s0, s1 = valuation.discount_sums(np.array([delta]), np.array([float(horizon)]))
    a, b = valuation.survival_sums(np.array([delta]), np.array([float(horizon)]), np.array([q]))
    closed = valuation.value_deal(sign, line, cp, cr, adv, s0, a, b, 0.0)[0]
    assert np.isclose(closed, brute(delta, horizon, q, sign, line, cp, cr, adv), rtol=1e-9)


def test_value_war_linear_projection():
    s0, s1 = valuation.discount_sums(np.array([0.99]), np.array([52.0]))
    v = valuation.value_war(1.0, 18.0, 0.02, 0.1, s0, s1)[0]
    k = np.arange(52)
    assert np.isclose(v, np.sum(0.99 ** k * ((18 + 0.02 * k) / 52 - 0.1)))


def test_a_sure_ceasefire_has_no_resumed_war():
    s0, _ = valuation.discount_sums(np.array([0.99]), np.array([52.0]))
    a, b = valuation.survival_sums(np.array([0.99]), np.array([52.0]), np.array([1.0]))
    assert np.isclose(a[0], s0[0], rtol=1e-4) and b[0] < 1e-3 * s0[0]
