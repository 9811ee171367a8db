"""Per-replication random streams that do not depend on R, chunking or workers.

Replication ``i`` of a run with seed ``s`` always sees the same random numbers, whether it
runs alone (R=1), inside a batch of 10,000, in a chunk on another process or on a Dask
worker. Spawning one ``numpy.random.Generator`` per replication would give that too, but
costs ~20 us per replication; here every draw is a *keyed counter-based* hash, evaluated
for all replications at once:

    key(stream)  = SeedSequence([seed, crc32(stream)]).generate_state(1, uint64)
    u(i, step)   = mix64(key ^ mix64(i * GOLDEN + step * GOLDEN2)) / 2**64

``mix64`` is the SplitMix64 finaliser (Steele, Lea & Flood 2014, "Fast splittable
pseudorandom number generators", OOPSLA), a bijection on 64-bit words whose outputs pass
BigCrush. Stream names make draws independent across variables (never ``seed + i``).
"""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np
from scipy.special import ndtri

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_GOLDEN2 = np.uint64(0xD1B54A32D192ED03)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
_TO_UNIT = 1.0 / 2.0**53


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser on a uint64 array (wrapping arithmetic)."""
    return _mix64_inplace(np.array(x, dtype=np.uint64, copy=True))


def _mix64_inplace(z: np.ndarray) -> np.ndarray:
    """:func:`mix64` overwriting ``z`` (a uint64 array the caller owns), one scratch array."""
    tmp = np.empty_like(z)
    with np.errstate(over="ignore"):
        np.right_shift(z, _S30, out=tmp)
        z ^= tmp
        z *= _M1
        np.right_shift(z, _S27, out=tmp)
        z ^= tmp
        z *= _M2
        np.right_shift(z, _S31, out=tmp)
        z ^= tmp
    return z


@lru_cache(maxsize=4096)
def stream_key(seed: int, stream: str) -> np.uint64:
    """64-bit key of a named stream under a root seed (via ``SeedSequence``)."""
    entropy = [int(seed) & 0xFFFFFFFFFFFFFFFF, zlib.crc32(stream.encode("utf-8"))]
    return np.uint64(np.random.SeedSequence(entropy).generate_state(1, np.uint64)[0])


class KeyedStreams:
    """Random numbers addressed by (stream name, replication id, step).

    Parameters
    ----------
    seed : int
        Root seed of the run.
    replication_ids : array of int
        Global index of each replication held by this model (``arange(R)`` for a plain
        run; a chunk ``[5000, 10000)`` of a larger run gets ``arange(5000, 10000)``).
    """

    def __init__(self, seed: int, replication_ids: np.ndarray):
        self.seed = int(seed)
        self.ids = np.asarray(replication_ids, dtype=np.uint64)
        self._counter: tuple[int, np.ndarray] | None = None     # (step, mix64(counter)), read-only

    def _hashed_counter(self, step: int) -> np.ndarray:
        """``mix64(i * GOLDEN + step * GOLDEN2)`` for every replication: the same for every stream
        of a step, so it is computed once per step (the draws are unchanged)."""
        cached = self._counter
        if cached is not None and cached[0] == step:
            return cached[1]
        with np.errstate(over="ignore"):
            counter = self.ids * _GOLDEN
            counter += np.uint64(step) * _GOLDEN2
        inner = _mix64_inplace(counter)
        self._counter = (step, inner)
        return inner

    def uniform(self, stream: str, step: int = 0) -> np.ndarray:
        """Uniforms in the open interval (0, 1), one per replication."""
        key = stream_key(self.seed, stream)
        bits = _mix64_inplace(np.bitwise_xor(self._hashed_counter(step), key))
        bits >>= np.uint64(11)
        out = bits.astype(np.float64)
        out += 0.5
        out *= _TO_UNIT
        return out

    def normal(self, stream: str, step: int = 0) -> np.ndarray:
        """Standard normal draws by inversion of :meth:`uniform`."""
        return ndtri(self.uniform(stream, step))
