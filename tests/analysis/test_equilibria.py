"""The support-enumeration solver, checked against independent facts.

Textbook games with known equilibria (Osborne 2004, *An Introduction to Game Theory*,
ch. 2-4: prisoner's dilemma, matching pennies, battle of the sexes, stag hunt, chicken,
rock-paper-scissors) run always; nashpy's vertex enumeration (complete for nondegenerate
games; Knight & Campbell 2018) is the reference on random games when it is installed.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis.equilibria import is_degenerate, pure_equilibria, support_enumeration



def _nashpy():
    return pytest.importorskip("nashpy")


def _as_set(pairs):
    return sorted((tuple(np.round(x, 6)), tuple(np.round(y, 6))) for x, y in pairs)


@pytest.mark.parametrize("size", [2, 3])
def test_matches_nashpy_on_random_games(size):
    nashpy = _nashpy()
    rng = np.random.default_rng(20240524 + size)
    for _ in range(60):
        A = rng.normal(size=(size, size))
        B = rng.normal(size=(size, size))
        ours = support_enumeration(A, B)
        assert not ours.degenerate
        game = nashpy.Game(A, B)
        theirs = list(game.vertex_enumeration())
        assert _as_set((e.row, e.col) for e in ours) == _as_set(theirs)
        # nashpy's own support enumeration can miss equilibria to round-off (strict
        # comparisons); whatever it finds, we find too
        assert set(_as_set(game.support_enumeration(tol=1e-10))) <= set(_as_set((e.row, e.col) for e in ours))
        assert len(ours) % 2 == 1          # nondegenerate games have an odd number (Wilson 1971)


def test_rectangular_games_match_nashpy():
    nashpy = _nashpy()
    rng = np.random.default_rng(7)
    for _ in range(20):
        A = rng.integers(-5, 6, size=(2, 3)).astype(float) + rng.normal(scale=1e-3, size=(2, 3))
        B = rng.integers(-5, 6, size=(2, 3)).astype(float) + rng.normal(scale=1e-3, size=(2, 3))
        ours = support_enumeration(A, B)
        theirs = list(nashpy.Game(A, B).vertex_enumeration())
        assert _as_set((e.row, e.col) for e in ours) == _as_set(theirs)


def test_matching_pennies_has_only_the_half_half_equilibrium():
    A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    sol = support_enumeration(A, -A)
    assert len(sol) == 1
    e = sol.equilibria[0]
    assert np.allclose(e.row, [0.5, 0.5]) and np.allclose(e.col, [0.5, 0.5])
    assert e.row_payoff == pytest.approx(0.0)


def test_prisoners_dilemma_and_battle_of_the_sexes():
    A = np.array([[3.0, 0.0], [5.0, 1.0]])           # cooperate, defect
    sol = support_enumeration(A, A.T)
    assert [(tuple(e.row), tuple(e.col)) for e in sol] == [((0.0, 1.0), (0.0, 1.0))]
    A = np.array([[2.0, 0.0], [0.0, 1.0]])
    B = np.array([[1.0, 0.0], [0.0, 2.0]])
    sol = support_enumeration(A, B)
    assert len(sol) == 3
    mixed = [e for e in sol if not e.pure][0]
    assert np.allclose(mixed.row, [2 / 3, 1 / 3]) and np.allclose(mixed.col, [1 / 3, 2 / 3])


def test_stag_hunt_and_chicken_have_two_pure_and_one_known_mixed_equilibrium():
    # stag hunt (stag, hare): pure (S,S) and (H,H); mixed: stag with probability 3/4
    # (stag pays 4 against stag, 0 against hare; hare pays 3 always: 4q = 3)
    A = np.array([[4.0, 0.0], [3.0, 3.0]])
    sol = support_enumeration(A, A.T)
    pure = sorted((int(np.argmax(e.row)), int(np.argmax(e.col))) for e in sol if e.pure)
    assert pure == [(0, 0), (1, 1)] and len(sol) == 3
    mixed = next(e for e in sol if not e.pure)
    assert np.allclose(mixed.row, [0.75, 0.25]) and np.allclose(mixed.col, [0.75, 0.25])
    assert mixed.row_payoff == pytest.approx(3.0)
    # chicken (swerve, straight): pure (S,T) and (T,S); mixed swerve with probability 9/10
    # (-(1 - q) = q - 10 (1 - q))
    A = np.array([[0.0, -1.0], [1.0, -10.0]])
    sol = support_enumeration(A, A.T)
    pure = sorted((int(np.argmax(e.row)), int(np.argmax(e.col))) for e in sol if e.pure)
    assert pure == [(0, 1), (1, 0)] and len(sol) == 3
    mixed = next(e for e in sol if not e.pure)
    assert np.allclose(mixed.row, [0.9, 0.1]) and np.allclose(mixed.col, [0.9, 0.1])


def test_rock_paper_scissors_has_only_the_uniform_equilibrium():
    A = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
    sol = support_enumeration(A, -A)
    assert len(sol) == 1 and not sol.degenerate
    assert np.allclose(sol.equilibria[0].row, 1 / 3) and np.allclose(sol.equilibria[0].col, 1 / 3)


def test_dominated_row_is_never_played():
    # a 3x2 game solved by hand: row 2 is strictly dominated by row 0; what is left has
    A = np.array([[3.0, 0.0], [1.0, 2.0], [0.0, -1.0]])
    B = np.array([[2.0, 1.0], [0.0, 1.5], [3.0, 0.0]])
    # two pure equilibria (0,0), (1,1) and one mixed one on rows {0, 1}
    pure = sorted(pure_equilibria(A, B))
    assert pure == [(0, 0), (1, 1)]
    sol = support_enumeration(A, B)
    assert sorted((int(np.argmax(e.row)), int(np.argmax(e.col))) for e in sol if e.pure) == pure
    mixed = [e for e in sol if not e.pure]
    assert len(mixed) == 1 and mixed[0].row[2] == pytest.approx(0.0)
    # column indifferent: 2x = x + 1.5(1-x) -> x = 0.6; row indifferent: 3y = y + 2(1-y) -> y = 0.5
    assert np.allclose(mixed[0].row, [0.6, 0.4, 0.0]) and np.allclose(mixed[0].col, [0.5, 0.5])


def test_degenerate_game_keeps_pure_equilibria_and_says_so():
    # Column's payoffs do not depend on its move when row plays 0: a degenerate game with a
    # continuum of equilibria (row 0, any column mix making row 0 a best response).
    A = np.array([[1.0, 1.0], [0.0, 2.0]])
    B = np.array([[0.0, 0.0], [1.0, 0.0]])
    sol = support_enumeration(A, B)
    assert sol.degenerate and is_degenerate(A, B)
    pure = {(int(np.argmax(e.row)), int(np.argmax(e.col))) for e in sol if e.pure}
    assert pure == set(pure_equilibria(A, B)) == {(0, 0)}
    # the continuum: row 0 with column 1 played with probability at most 1/2
    for e in sol:
        assert e.row[0] == pytest.approx(1.0)
        assert e.col[1] <= 0.5 + 1e-9
    assert any(not e.pure for e in sol)
    for e in sol:                                   # every point returned is an equilibrium
        assert (A @ e.col).max() <= e.row @ A @ e.col + 1e-9
        assert (e.row @ B).max() <= e.row @ B @ e.col + 1e-9


def test_nondegenerate_check():
    assert not is_degenerate(np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 2.0]]))
    assert is_degenerate(np.ones((2, 2)), np.ones((2, 2)))


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError):
        support_enumeration(np.zeros((2, 2)), np.zeros((2, 3)))
