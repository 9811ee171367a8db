"""Which packages to try: every one when the space is small, NSGA-II when it is large.

* ``exhaustive``: the whole product of the levels, in order.
* ``nsga2``: the NSGA-II genetic algorithm of pymoo (Deb et al. 2002, *IEEE Trans. Evol.
  Comput.* 6(2); Blank & Deb 2020, *IEEE Access* 8) on the level indices (integer
  variables, rounded SBX crossover and polynomial mutation), driven through pymoo's
  ask-and-tell interface so every generation is evaluated by the design's own parallel,
  resumable evaluator. Its seed is the design's seed, so a resumed search replays the same
  generations and finds every package it had evaluated in the saved parts.
* ``auto``: exhaustive when the space has at most ``budget`` packages.

Whatever the search, the front is computed in the same way over every package evaluated
(:func:`pareto_mask`), so the two searches can only differ in which packages they tried.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from sim.design.objectives import Constraint, Objective
from sim.design.space import DesignSpace
from sim.scenario.errors import InputError

Index = tuple[int, ...]
#: Generations without a single new package after which NSGA-II is taken to have converged.
STALE_GENERATIONS = 8


def oriented(rows: Sequence[dict[str, Any]], objectives: Sequence[Objective], suffix: str = "") -> np.ndarray:
    """(n, k) matrix of objective values, signed so that larger is better; NaN -> -inf."""
    x = np.array([[float(r[o.metric + suffix]) for o in objectives] for r in rows], dtype=np.float64).reshape(
        len(rows), len(objectives))
    x = x * np.array([1.0 if o.sense == "max" else -1.0 for o in objectives])
    return np.where(np.isnan(x), -np.inf, x)


def feasible(rows: Sequence[dict[str, Any]], constraints: Sequence[Constraint]) -> np.ndarray:
    return np.array([all(c.holds(float(r[c.metric])) for c in constraints) for r in rows], dtype=bool)


def pareto_mask(values: np.ndarray, ok: np.ndarray | None = None) -> np.ndarray:
    """Non-dominated rows of ``values`` (larger is better in every column) among ``ok`` rows.

    Row a dominates row b when a >= b in every column and a > b in at least one.
    Identical rows are all kept.
    """
    n = len(values)
    ok = np.ones(n, dtype=bool) if ok is None else ok
    front = ok.copy()
    for i in np.nonzero(ok)[0]:
        others = values[ok]
        dominated = np.any(np.all(others >= values[i], axis=1) & np.any(others > values[i], axis=1))
        front[i] = not dominated
    return front


def significantly_dominates(a: dict[str, Any], b: dict[str, Any], objectives: Sequence[Objective]) -> bool:
    """Does package ``a`` beat ``b`` beyond sampling error?

    The criterion of front stability: ``a`` is at least as good as ``b`` on every objective
    (point estimates) and on at least one its whole 95% interval is better than the whole
    interval of ``b`` (they do not overlap).
    """
    better_somewhere = False
    for o in objectives:
        ea, eb = float(a[o.metric]), float(b[o.metric])
        if not o.better(ea, eb) and ea != eb:
            return False
        if o.sense == "max" and float(a[f"{o.metric}_lo"]) > float(b[f"{o.metric}_hi"]):
            better_somewhere = True
        if o.sense == "min" and float(a[f"{o.metric}_hi"]) < float(b[f"{o.metric}_lo"]):
            better_somewhere = True
    return better_somewhere


def choose(space: DesignSpace, budget: int, method: str) -> str:
    if method == "auto":
        return "exhaustive" if space.size <= budget else "nsga2"
    return method


def exhaustive(space: DesignSpace, evaluate: Callable[[list[Index]], list[dict]]) -> None:
    evaluate(list(space.all_indices()))


def _pymoo():
    try:
        from pymoo.algorithms.moo.nsga2 import NSGA2
        from pymoo.core.evaluator import Evaluator
        from pymoo.core.problem import Problem
        from pymoo.operators.crossover.sbx import SBX
        from pymoo.operators.mutation.pm import PM
        from pymoo.operators.repair.rounding import RoundingRepair
        from pymoo.operators.sampling.rnd import IntegerRandomSampling
        from pymoo.problems.static import StaticProblem
    except ImportError:
        raise InputError.single("<command line>", None, "--search",
                                "the design space is too large to try every package and the NSGA-II search "
                                "needs pymoo: pip install 'ceasefire-sim[design]' (or raise --budget to at "
                                "least the space size for an exhaustive search)") from None
    return NSGA2, Evaluator, Problem, SBX, PM, RoundingRepair, IntegerRandomSampling, StaticProblem


def population_size(budget: int) -> int:
    """Packages per generation: about a tenth of the budget, between 12 and 100."""
    return int(min(100, max(12, budget // 10)))


def nsga2(space: DesignSpace, objectives: Sequence[Objective], constraints: Sequence[Constraint], budget: int,
          seed: int, evaluate: Callable[[list[Index]], list[dict]], evaluated: Callable[[], int]) -> None:
    """Run NSGA-II until ``budget`` distinct packages are evaluated (the generation that
    reaches it is finished) or it stops finding new ones."""
    NSGA2, Evaluator, Problem, SBX, PM, RoundingRepair, IntegerRandomSampling, StaticProblem = _pymoo()
    d = len(space.variables)
    upper = np.array([len(v.levels) - 1 for v in space.variables], dtype=float)
    problem = Problem(n_var=d, n_obj=len(objectives), n_ieq_constr=len(constraints), xl=np.zeros(d), xu=upper,
                      vtype=int)
    algorithm = NSGA2(pop_size=population_size(budget), sampling=IntegerRandomSampling(),
                      crossover=SBX(prob=0.9, eta=15, vtype=float, repair=RoundingRepair()),
                      mutation=PM(eta=20, vtype=float, repair=RoundingRepair()), eliminate_duplicates=True)
    algorithm.setup(problem, termination=("n_gen", 10_000), seed=int(seed % 2**32), verbose=False)
    stale = 0
    while evaluated() < budget and stale < STALE_GENERATIONS and algorithm.has_next():
        before = evaluated()
        pop = algorithm.ask()
        x = np.clip(np.rint(pop.get("X")).astype(int), 0, upper.astype(int))
        rows = evaluate([tuple(int(v) for v in row) for row in x])
        f = -oriented(rows, objectives)
        f = np.where(np.isinf(f), 1e12, f)
        kwargs = {"F": f}
        if constraints:
            kwargs["G"] = np.array([[_violation(c, r) for c in constraints] for r in rows], dtype=float)
        Evaluator().eval(StaticProblem(problem, **kwargs), pop)
        algorithm.tell(infills=pop)
        stale = stale + 1 if evaluated() == before else 0


def _violation(c: Constraint, row: dict) -> float:
    """pymoo's inequality form (<= 0 is satisfied)."""
    v = float(row[c.metric])
    if v != v:
        return 1e12
    return c.bound - v if c.op == ">=" else v - c.bound
