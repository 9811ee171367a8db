"""The discount sums of sim/engine/valuation.py against brute-force sums."""

import numpy as np

from sim.engine import forecast, valuation


def test_discount_sums():
    d, h = np.array([0.99, 0.995]), np.array([52.0, 156.0])
    s0, s1 = valuation.discount_sums(d, h)
    for i in range(2):
        k = np.arange(int(h[i]))
        assert np.isclose(s0[i], np.sum(d[i] ** k)) and np.isclose(s1[i], np.sum(k * d[i] ** k))


def test_block_weights_sum_a_linear_path_week_by_week():
    """Blocks of a path with territory T_j + v_j (k - k_j) equal the weekly discounted sum."""
    d, h = np.array([0.99, 0.996]), np.array([78.0, 140.0])
    nb = forecast.n_blocks(h)
    terr = np.array([[18.0, 19.0], [18.5, 19.6], [19.2, 20.1], [19.9, 20.8], [20.5, 21.5], [21.0, 22.0]])[:nb]
    adv = np.diff(np.vstack([terr, terr[-1:] + 0.5]), axis=0) / forecast.BLOCK_WEEKS
    for offset in (0, 52):
        s0, s1 = forecast.block_weights(d, h, nb, offset)
        closed = np.sum(terr * s0 + adv * s1, axis=0)
        for i in range(2):
            k = np.arange(offset, min(offset + int(h[i]), nb * forecast.BLOCK_WEEKS))
            j = k // forecast.BLOCK_WEEKS
            weekly = terr[j, i] + adv[j, i] * (k - j * forecast.BLOCK_WEEKS)
            assert np.isclose(closed[i], np.sum(d[i] ** (k - offset) * weekly))
