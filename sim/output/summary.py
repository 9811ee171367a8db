"""Summary statistics of a run's outcomes with 95% intervals.

* Probabilities get Wilson score intervals (Wilson 1927), which stay inside [0, 1] and behave
  at 0 and 1 where the normal approximation does not.
* Ceasefire durations are right-censored at the horizon (a ceasefire still holding has not
  ended); the survival curve and the median duration use the Kaplan-Meier estimator
  (Kaplan & Meier 1958).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.engine.model import OUTCOME_CLASSES
from sim.engine.outcomes import VETO_SEP, Outcomes
from sim.scenario.offers import ACTORS
from sim.output.survival import kaplan_meier, km_quantile  # noqa: F401 (re-exported)

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
Z95 = 1.959963984540054


# -- statistics -----------------------------------------------------------------------------
def wilson(successes: int, n: int) -> tuple[float, float, float]:
    """Proportion and its 95% Wilson score interval."""
    if n == 0:
        return (float("nan"), float("nan"), float("nan"))
    p = successes / n
    denom = 1.0 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return (p, lo, hi)


def _quantiles(x: np.ndarray) -> dict[str, float]:
    if x.size == 0:
        return {}
    qs = np.quantile(x.astype(np.float64), QUANTILES)
    return {f"q{int(q * 100):02d}": _r(v) for q, v in zip(QUANTILES, qs)} | {"mean": _r(float(np.mean(x)))}


def _r(x: float) -> float:
    """Round for readable, stable JSON (6 significant digits)."""
    return float(f"{x:.6g}")


def _crossed(cells: np.ndarray, names: list[str]) -> dict[str, np.ndarray]:
    """Red line -> replications whose ``vetoed_by`` cell names it (vectorized over the few
    distinct cells)."""
    index: dict[str, int] = {}
    codes = np.fromiter((index.setdefault(c, len(index)) for c in cells.tolist()), dtype=np.int64,
                        count=len(cells))
    return {name: np.array([name in u.split(VETO_SEP) for u in index] + [False], dtype=bool)[codes]
            for name in names}


def _veto_shares(cells: np.ndarray, offered: np.ndarray, names: list[str]) -> dict[str, float | None]:
    k = int(np.count_nonzero(offered))
    crossed = _crossed(cells, names)
    return {name: (_r(np.count_nonzero(crossed[name] & offered) / k) if k else None) for name in names}


def vetoes(out: Outcomes) -> dict[str, dict[str, float | None]]:
    """Actor -> red line -> share of the replications offered a deal in which it vetoed one.

    Every enabled red line of the actor is listed (0.0 when it never fired); None when no
    offer was put to the actor.
    """
    c = out.columns
    return {a: _veto_shares(c[f"vetoed_by_{a}"], c[f"offered_{a}"], out.red_lines()[a]) for a in ACTORS}


def vetoes_by_offer(out: Outcomes) -> list[dict[str, Any]]:
    """:func:`vetoes` per offer, for scenarios with several offers (else an empty list)."""
    c, names = out.columns, out.red_lines()
    rows, i = [], 0
    while f"offered_offer_{i}" in c:
        put = c[f"offered_offer_{i}"]
        rows.append({"offer": i, "offered_replications": int(np.count_nonzero(put)),
                     "vetoes": {a: _veto_shares(c[f"vetoed_by_{a}_offer_{i}"], put, names[a]) for a in ACTORS}})
        i += 1
    return rows


def decisions(out: Outcomes) -> dict[str, dict[str, float | None]]:
    """Why each actor decided as it did, as shares of the replications offered a deal.

    ``accepted`` (an offer), ``vetoed`` (a red line vetoed and no offer was accepted) and
    ``refused_on_valuation`` (no red line fired, the valuation said no) add up to 1.
    """
    c = out.columns
    res = {}
    for a in ACTORS:
        offered = c[f"offered_{a}"]
        k = int(np.count_nonzero(offered))
        acc = c[f"accepted_{a}"] & offered
        vetoed = (c[f"vetoed_by_{a}"] != "") & offered & ~acc
        refused = offered & ~acc & ~vetoed
        res[a] = {key: (_r(np.count_nonzero(m) / k) if k else None)
                  for key, m in (("accepted", acc), ("vetoed", vetoed), ("refused_on_valuation", refused))}
    return res


def margins(out: Outcomes) -> list[dict[str, Any]]:
    """Per offer and actor, the parts of the accept decision at the offer's first due week.

    ``parts``: quantiles (5/25/50/75/95 and mean) across the replications the offer was put
    to of each part of ``V_deal - V_war - e - eps`` (:func:`sim.engine.decomposition.decision_parts`;
    pp-years); ``margin`` is ``V_deal - V_war`` (the valuation's parts), ``total`` the whole
    quantity (> 0 accepts where no red line vetoes); ``expected_breakdown_52`` the believed
    probability the ceasefire breaks within 52 weeks, beside them; for a belligerent on a full
    ceasefire ``would_break_at_once`` is the share in which it would break the deal at once
    and so refuses it (:mod:`sim.engine.commitment`). Empty without records.
    Runs of more than :data:`sim.output.resources.MARGIN_SAMPLE` replications are summarized
    over the first that many (``replications`` says how many were offered among them).
    """
    from sim.engine.decomposition import AT_ONCE, BREAKDOWN, SHOCK_PARTS, part_names
    from sim.output.resources import MARGIN_SAMPLE

    records = out.extra.get("margins")
    if not records:
        return []
    weeks = out.extra.get("margin_weeks") or [None] * len(records)
    rows = []
    for i, rec in enumerate(records):
        put = None
        actors = {}
        for a, parts in rec.items():
            parts = {k: v[:MARGIN_SAMPLE] for k, v in parts.items()}
            names = part_names(parts)
            put = np.isfinite(parts[names[0]]) if put is None else put
            total = sum(parts[k][put] for k in names)
            margin = sum(parts[k][put] for k in names if k not in SHOCK_PARTS)
            breakdown = parts[BREAKDOWN][put]
            actors[a] = {"parts": {k: _quantiles(parts[k][put]) for k in names},
                         "margin": _quantiles(margin), "total": _quantiles(total),
                         "total_positive_share": _r(float(np.mean(total > 0))) if total.size else None,
                         BREAKDOWN: _quantiles(breakdown) if np.isfinite(breakdown).all() else None}
            if AT_ONCE in parts:        # refused whatever the parts: would break it at once
                actors[a][AT_ONCE] = _r(float(np.mean(parts[AT_ONCE][put] > 0))) if put.any() else None
        rows.append({"offer": i, "week": weeks[i], "replications": int(np.count_nonzero(put)) if put is not None else 0,
                     "actors": actors})
    return rows


def offers(out: Outcomes) -> list[dict[str, Any]]:
    """One entry per offer: each actor's probability of accepting the first time the offer is
    put (Wilson interval; over the replications it was put to), and the ceasefires it started
    (``agreements``) with their share of all agreements of the run (``agreement_share``)."""
    c = out.columns
    counts, i = [], 0
    while f"offer_{i}_agreed" in c:
        counts.append(int(np.sum(c[f"offer_{i}_agreed"])))
        i += 1
    total = sum(counts)
    rows = []
    for i, agreements in enumerate(counts):
        first, interval, put = {}, {}, 0
        for a in ACTORS:
            col = c[f"offer_{i}_first_accept_{a}"]
            k = int(np.count_nonzero(col >= 0))
            put = max(put, k)
            p, lo, hi = wilson(int(np.count_nonzero(col == 1)), k)
            first[a], interval[a] = (_r(p), [_r(lo), _r(hi)]) if k else (None, None)
        rows.append({"offer": i, "put_replications": put, "first_accept_probability": first,
                     "first_accept_intervals_95": interval, "agreements": agreements,
                     "agreement_share": _r(agreements / total) if total else None})
    return rows


def summarize(out: Outcomes, scenario_name: str = "", *, as_frame: bool = False):
    """The summary of a run (what ``summary.json`` holds); a tidy DataFrame with ``as_frame``
    (:func:`summary_frame`)."""
    if as_frame:
        return summary_frame(summarize(out, scenario_name))
    c = out.columns
    n = out.n
    probs, intervals = {}, {}
    for cls in OUTCOME_CLASSES:
        p, lo, hi = wilson(int(np.count_nonzero(c["outcome"] == cls)), n)
        probs[cls], intervals[cls] = _r(p), [_r(lo), _r(hi)]
    acceptance, acc_int, offered = {}, {}, {}
    for a in ACTORS:
        m = c[f"offered_{a}"]
        k = int(np.count_nonzero(m))
        offered[a] = k
        if k:
            p, lo, hi = wilson(int(np.count_nonzero(c[f"accepted_{a}"] & m)), k)
            acceptance[a], acc_int[a] = _r(p), [_r(lo), _r(hi)]
        else:
            acceptance[a], acc_int[a] = None, None
    had = c["ceasefire_start_week"] >= 0
    p_cf, lo_cf, hi_cf = wilson(int(np.count_nonzero(had)), n)
    times, surv = kaplan_meier(c["ceasefire_duration_weeks"][had], c["ceasefire_censored"][had])
    broken = had & ~c["ceasefire_censored"]
    duration = {
        "agreed_probability": _r(p_cf),
        "agreed_interval": [_r(lo_cf), _r(hi_cf)],
        "agreed_replications": int(np.count_nonzero(had)),
        "ended_share": _r(float(np.count_nonzero(broken)) / max(1, int(np.count_nonzero(had)))) if had.any() else None,
        "median_weeks_km": (lambda v: None if v is None else _r(v))(km_quantile(times, surv, 0.5)) if had.any() else None,
        "quantiles_km": {f"q{int(q * 100):02d}": km_quantile(times, surv, q) for q in (0.25, 0.5, 0.75)}
        if had.any() else {},
        "censored_at_weeks": out.horizon_weeks,
    }
    return {
        "scenario": scenario_name,
        "replications": n,
        "seed": out.seed,
        "horizon_weeks": out.horizon_weeks,
        "outcome_probabilities": probs,
        "outcome_intervals_95": intervals,
        "acceptance_probability": acceptance,
        "acceptance_intervals_95": acc_int,
        "offered_replications": offered,
        "vetoes": vetoes(out),
        **({"vetoes_by_offer": by_offer} if (by_offer := vetoes_by_offer(out)) else {}),
        "decisions": decisions(out),
        "margins": margins(out),
        "offers": offers(out),
        "ceasefire_duration": duration,
        "territory_end_pct": _quantiles(c["territory_end_pct"]),
        "territory_change_pp": _quantiles(c["territory_change_pp"]),
        "casualties_russia_k": _quantiles(c["casualties_russia_k"]),
        "casualties_ukraine_k": _quantiles(c["casualties_ukraine_k"]),
        "aid_us_bn": _quantiles(c["aid_us_bn"]),
        "aid_europe_bn": _quantiles(c["aid_europe_bn"]),
        "utility_mean": {a: _r(float(np.mean(c[f"utility_{a}"]))) for a in ACTORS},
        "expectations": expectations(out),
        **({"chosen_line": chosen_line(out)} if "chosen_line" in c else {}),
        **({"unilateral": unilateral(out)} if "unilateral_declared" in c else {}),
    }


def unilateral(out: Outcomes) -> dict[str, Any]:
    """Unilateral truces: the share declared, and of those the share the other side reciprocated."""
    c = out.columns
    declared = c["unilateral_declared"].astype(bool)
    joined = declared & (c["reciprocated_week"] >= 0)
    k = int(np.count_nonzero(declared))
    p, lo, hi = wilson(int(np.count_nonzero(joined)), k) if k else (None, None, None)
    weeks = c["reciprocated_week"][joined]
    return {
        "declared_share": _r(k / max(out.n, 1)),
        "declared_replications": k,
        "reciprocated_share": None if p is None else _r(p),
        "reciprocated_interval": None if p is None else [_r(lo), _r(hi)],
        "reciprocated_week_median": float(np.median(weeks)) if weeks.size else None,
    }


def chosen_line(out: Outcomes) -> dict[str, Any]:
    """The lines proposers chose (``line: proposer_optimal``, :mod:`sim.engine.proposals`).

    Quantiles of the line (% of Ukraine held by Russia) of the first agreed ceasefire, else
    the last line offered, over the replications where one was offered; and the same over
    the agreed ceasefires alone.
    """
    c = out.columns
    line = c["chosen_line"]
    offered = np.isfinite(line)
    agreed = offered & (c["ceasefire_start_week"] >= 0)
    return {"offered_replications": int(np.count_nonzero(offered)), "pct": _quantiles(line[offered]),
            "agreed_replications": int(np.count_nonzero(agreed)), "agreed_pct": _quantiles(line[agreed])}


#: Interval entries of the summary and the probabilities they belong to.
_INTERVALS = {"outcome_intervals_95": "outcome_probabilities", "acceptance_intervals_95": "acceptance_probability",
              "agreed_interval": "agreed_probability"}
FRAME_COLUMNS = ("scenario", "quantity", "key", "statistic", "value")


def _leaves(obj, path: tuple):
    """``(key path, statistic, value)`` of every number under ``obj``."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if str(k) in _INTERVALS and isinstance(v, (list, tuple)):
                yield (*path, _INTERVALS[str(k)]), "low_95", v[0]
                yield (*path, _INTERVALS[str(k)]), "high_95", v[1]
            elif str(k) in _INTERVALS.values() and not isinstance(v, (dict, list, tuple)):
                yield (*path, str(k)), "value", v
            else:
                yield from _leaves(v, (*path, str(k)))
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from _leaves(v, (*path, str(i)))
    elif obj is None or isinstance(obj, (bool, int, float, np.integer, np.floating)):
        yield path[:-1], path[-1], obj


def summary_frame(summary) -> Any:
    """A run's summary as a tidy table (pandas DataFrame): one row per number.

    ``summary`` is a :func:`summarize` dict or an :class:`Outcomes`. Columns: ``scenario``;
    ``quantity`` (the summary's entry: ``outcome_probabilities``, ``acceptance_probability``,
    ``territory_end_pct``, ``margins``, ...; ``run`` for replications, seed, horizon);
    ``key`` (what it is about: an outcome class, an actor, ``russia.four_regions``,
    ``offer 0.russia.parts.territory``; empty for a number about the whole quantity);
    ``statistic`` (``value``; ``low_95``/``high_95``, the 95% Wilson interval of a probability;
    ``q05``...``q95``, ``mean``, ...); ``value`` (a float, NaN where undefined). The intervals
    sit beside their probabilities, e.g.
    ``f[f.quantity == "outcome_probabilities"].pivot(index="key", columns="statistic", values="value")``.
    """
    import pandas as pd

    if isinstance(summary, Outcomes):
        summary = summarize(summary)
    rows = []
    for quantity, entry in summary.items():
        if quantity == "scenario":
            continue
        if quantity == "margins":
            entry = {f"offer {m['offer']}": {"week": m["week"], "replications": m["replications"], **m["actors"]}
                     for m in entry}
        if not isinstance(entry, (dict, list, tuple)):
            rows.append(("run", "", quantity, entry))
        elif quantity in _INTERVALS:
            for key, pair in entry.items():
                for stat, v in zip(("low_95", "high_95"), pair or (None, None)):
                    rows.append((_INTERVALS[quantity], key, stat, v))
        elif quantity in _INTERVALS.values():
            rows += [(quantity, key, "value", v) for key, v in entry.items()]
        else:
            rows += [(quantity, ".".join(path), stat, v) for path, stat, v in _leaves(entry, ())]
    frame = pd.DataFrame(rows, columns=list(FRAME_COLUMNS[1:]))
    frame["value"] = np.array([np.nan if v is None else float(v) for v in frame["value"]], dtype=np.float64)
    frame.insert(0, "scenario", summary.get("scenario", ""))
    order = {q: i for i, q in enumerate(["run", *summary])}
    return frame.sort_values("quantity", key=lambda q: q.map(order), kind="stable").reset_index(drop=True)


def survival_at(times: np.ndarray, surv: np.ndarray, weeks: float) -> float:
    """Kaplan-Meier S(weeks) from :func:`kaplan_meier`'s output."""
    return float(surv[np.searchsorted(times, weeks, side="right") - 1])


def expectations(out: Outcomes) -> dict[str, Any]:
    """Per belligerent: believed vs simulated 52-week survival of the agreed (first) ceasefires.

    Believed: the mean of what the side expected when it agreed (``believed_survival_52_*``,
    :mod:`sim.engine.durability`); simulated: the Kaplan-Meier estimate on the same ceasefires.
    """
    c = out.columns
    result: dict[str, Any] = {}
    for a in ("russia", "ukraine"):
        col = c.get(f"believed_survival_52_{a}")
        if col is None:
            continue
        had = (c["ceasefire_start_week"] >= 0) & (col >= 0)
        if not had.any():
            result[a] = {"believed_survival_52": None, "simulated_survival_52": None, "ceasefires": 0}
            continue
        times, surv = kaplan_meier(c["ceasefire_duration_weeks"][had], c["ceasefire_censored"][had])
        result[a] = {"believed_survival_52": _r(float(np.mean(col[had]))),
                     "simulated_survival_52": _r(survival_at(times, surv, 52)),
                     "ceasefires": int(np.count_nonzero(had))}
    return result
