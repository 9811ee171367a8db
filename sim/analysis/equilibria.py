"""All Nash equilibria of a small bimatrix game by support enumeration.

A bimatrix game gives the row player payoffs ``A`` and the column player ``B`` (both
m x n). A pair of mixed strategies ``(x, y)`` is a Nash equilibrium iff every pure strategy
in the support of ``x`` is a best response to ``y`` and vice versa (Nash 1951). Support
enumeration (Nisan, Roughgarden, Tardos & Vazirani 2007, *Algorithmic Game Theory*, ch. 3;
the algorithm of ``nashpy.Game.support_enumeration``) tries every pair of supports
``(I, J)``, solves the indifference equations

    A[I, J] y_J = v 1,   sum y_J = 1;      B[I, J]^T x_I = u 1,   sum x_I = 1

and keeps the solutions that are probability vectors and against which no strategy outside
the support does better.

Degenerate games
----------------
In a *nondegenerate* game (no mixed strategy with support size k has more than k pure best
responses) every equilibrium has supports of equal size and is found by the square systems
above, so the list is complete; random payoffs are nondegenerate with probability 1.
Games built from extensive forms are often degenerate (a move that ends the game gives the
other player the same payoff whatever it planned to do). There equilibria can form
continua. This solver then also tries supports of unequal size, solving the (under- or
over-determined) indifference systems by least squares and keeping solutions that satisfy
them to ``tol``. The result contains every pure equilibrium and, for each support pair
that admits an equilibrium with a unique or minimum-norm solution, one point of it; a
continuum is represented by such points, not described in full. :func:`is_degenerate`
tells which case a game is in, and :class:`Solution` records it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

TOL = 1e-9


@dataclass(frozen=True)
class Equilibrium:
    """Mixed strategies of the row and column player and their expected payoffs."""

    row: np.ndarray
    col: np.ndarray
    row_payoff: float
    col_payoff: float

    @property
    def pure(self) -> bool:
        return bool(np.isclose(self.row.max(), 1.0) and np.isclose(self.col.max(), 1.0))

    def supports(self, tol: float = 1e-9) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return tuple(np.flatnonzero(self.row > tol)), tuple(np.flatnonzero(self.col > tol))


@dataclass
class Solution:
    """The equilibria of a game and whether the game is degenerate."""

    equilibria: list[Equilibrium] = field(default_factory=list)
    degenerate: bool = False

    def __iter__(self):
        return iter(self.equilibria)

    def __len__(self) -> int:
        return len(self.equilibria)


def _indifferent(M: np.ndarray, tol: float):
    """Probability vector ``z`` with ``M z`` constant (the opponent indifferent), or None.

    ``M`` is (rows that must be indifferent) x (support of the mixing player). Solved by
    least squares; kept only if the equations hold to ``tol``.
    """
    k, s = M.shape
    lhs = np.zeros((k + 1, s + 1))
    lhs[:k, :s] = M
    lhs[:k, s] = -1.0
    lhs[k, :s] = 1.0
    rhs = np.zeros(k + 1)
    rhs[k] = 1.0
    sol, *_ = np.linalg.lstsq(lhs, rhs, rcond=None)
    if np.max(np.abs(lhs @ sol - rhs)) > tol * max(1.0, np.abs(M).max()):
        return None
    z = sol[:s]
    if np.any(z < -tol):
        return None
    return np.clip(z, 0.0, None) / max(np.clip(z, 0.0, None).sum(), 1e-300)


def _check(A, B, x, y, tol) -> bool:
    """Is ``(x, y)`` a Nash equilibrium (no profitable pure deviation beyond ``tol``)?"""
    scale = max(1.0, np.abs(A).max(), np.abs(B).max())
    ay = A @ y
    xb = x @ B
    return bool(ay.max() <= x @ ay + tol * scale and xb.max() <= xb @ y + tol * scale)


def support_enumeration(A, B, tol: float = TOL, unequal: bool | None = None) -> Solution:
    """Every Nash equilibrium of the bimatrix game ``(A, B)`` (see module docstring).

    Parameters
    ----------
    A, B : array (m, n), payoffs of the row and the column player
    tol : tolerance of the indifference and best-response checks (relative to max |payoff|)
    unequal : also try supports of unequal size; default: only if the game is degenerate
    """
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    if A.shape != B.shape or A.ndim != 2:
        raise ValueError(f"A and B must be matrices of the same shape, got {A.shape} and {B.shape}")
    m, n = A.shape
    degenerate = is_degenerate(A, B, tol)
    if unequal is None:
        unequal = degenerate
    found: list[Equilibrium] = []
    for i_size in range(1, m + 1):
        for j_size in range(1, n + 1):
            if i_size != j_size and not unequal:
                continue
            for I in combinations(range(m), i_size):
                for J in combinations(range(n), j_size):
                    y_j = _indifferent(A[np.ix_(I, J)], tol)
                    if y_j is None:
                        continue
                    x_i = _indifferent(B[np.ix_(I, J)].T, tol)
                    if x_i is None:
                        continue
                    x = np.zeros(m)
                    y = np.zeros(n)
                    x[list(I)] = x_i
                    y[list(J)] = y_j
                    if not _check(A, B, x, y, tol):
                        continue
                    if any(np.allclose(x, e.row, atol=1e-7) and np.allclose(y, e.col, atol=1e-7) for e in found):
                        continue
                    found.append(Equilibrium(x, y, float(x @ A @ y), float(x @ B @ y)))
    return Solution(found, degenerate)


def pure_equilibria(A, B, tol: float = TOL) -> list[tuple[int, int]]:
    """Pure-strategy equilibria ``(i, j)``: each move a best response to the other."""
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    scale = max(1.0, np.abs(A).max(), np.abs(B).max())
    return [(i, j) for i in range(A.shape[0]) for j in range(A.shape[1])
            if A[i, j] >= A[:, j].max() - tol * scale and B[i, j] >= B[i, :].max() - tol * scale]


def _too_many_best_responses(P: np.ndarray, tol: float) -> bool:
    """Does some mixed strategy of the player choosing rows of ``P`` (the opponent's payoffs
    as rows x columns) with support size k leave the opponent more than k best responses?"""
    m, n = P.shape
    for k in range(1, m + 1):
        for I in combinations(range(m), k):
            for J in combinations(range(n), k + 1):
                x_i = _indifferent(P[np.ix_(I, J)].T, tol)
                if x_i is None or np.any(x_i <= tol):
                    continue
                payoff = x_i @ P[list(I), :]
                if payoff[list(J)].min() >= payoff.max() - tol * max(1.0, np.abs(P).max()):
                    return True
    return False


def is_degenerate(A, B, tol: float = TOL) -> bool:
    """True if some mixed strategy with support size k has more than k pure best responses.

    Exhaustive over supports: meant for the small games of :mod:`sim.analysis.game` (up to ~8 x 8).
    """
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    return _too_many_best_responses(B, tol) or _too_many_best_responses(A.T, tol)
