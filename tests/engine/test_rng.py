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
