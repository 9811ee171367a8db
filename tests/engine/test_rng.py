import numpy as np

from sim.engine.rng import KeyedStreams, mix64


def test_replication_stream_does_not_depend_on_batch():
    big = KeyedStreams(7, np.arange(1000)).uniform("x", 3)
    for i in (0, 1, 499, 999):
        alone = KeyedStreams(7, np.array([i])).uniform("x", 3)
        assert alone[0] == big[i]


def test_streams_seeds_and_steps_differ():
    ids = np.arange(2000)
    a = KeyedStreams(1, ids).uniform("a")
    assert not np.array_equal(a, KeyedStreams(1, ids).uniform("b"))
    assert not np.array_equal(a, KeyedStreams(2, ids).uniform("a"))
    assert not np.array_equal(a, KeyedStreams(1, ids).uniform("a", 1))


def test_uniform_is_uniform_and_open():
    u = KeyedStreams(3, np.arange(100_000)).uniform("u")
    assert u.min() > 0 and u.max() < 1
    counts, _ = np.histogram(u, bins=10, range=(0, 1))
    expected = len(u) / 10
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 30  # 9 d.o.f.: p ~ 0.0005


def test_normal_moments():
    z = KeyedStreams(5, np.arange(100_000)).normal("z")
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02


def test_mix64_is_a_bijection_on_a_sample():
    x = np.arange(100_000, dtype=np.uint64)
    assert len(np.unique(mix64(x))) == len(x)


def _reference_uniform(seed, ids, stream, step):
    """The keyed draw written out from the module's formula, with no caching."""
    from sim.engine.rng import _GOLDEN, _GOLDEN2, _TO_UNIT, stream_key

    with np.errstate(over="ignore"):
        counter = np.asarray(ids, dtype=np.uint64) * _GOLDEN + np.uint64(step) * _GOLDEN2
    bits = mix64(mix64(counter) ^ stream_key(seed, stream))
    return ((bits >> np.uint64(11)).astype(np.float64) + 0.5) * _TO_UNIT


def test_hashed_counter_cache_keeps_every_draw():
    # one KeyedStreams reuses the hashed counter of a step for all its streams: interleaving
    # streams and steps (back to an earlier step too) must give the formula's draws exactly
    ids = np.arange(3000)
    s = KeyedStreams(11, ids)
    for stream, step in [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 0), ("c", 7), ("c", 7), ("a", 2**40)]:
        assert np.array_equal(s.uniform(stream, step), _reference_uniform(11, ids, stream, step))
    first = s.uniform("a", 3)
    s.uniform("b", 3)                   # the cached counter is read-only: the next draw is unchanged
    assert np.array_equal(s.uniform("a", 3), first)


def test_draws_of_one_step_are_independent_across_streams_and_weeks():
    # streams sharing a step's hashed counter are uncorrelated, and so are consecutive weeks
    z = KeyedStreams(5, np.arange(100_000))
    a, b, c = z.normal("break:russia", 9), z.normal("break:ukraine", 9), z.normal("break:russia", 10)
    for x, y in ((a, b), (a, c), (b, c)):
        assert abs(np.corrcoef(x, y)[0, 1]) < 0.015       # sd of r is 1/sqrt(1e5) = 0.003
    # and the pairs are jointly normal-like: the product of independent N(0,1) has variance 1
    assert abs(np.var(a * b) - 1.0) < 0.05
