"""Calibration against the record, ceasefire durability (Fortna) and the estimators behind them.

Each target's band comes from its source (e.g. 0.5-1 pp a year, an exchange ratio of
2-2.5), not from the model's current output; a target passes only if the model figure's
whole 95% interval lies inside the band.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.analysis import validation as V

TARGETS = V.targets()
#: Targets the model misses since issue 12, and why (docs/validation.md, "Ceasefire durability").
#: Strict: if one passes again the suite says so.
KNOWN_MISSES = {
    "hazard_falls_with_time": "actors foresee breakdowns (issue 12): early breakers are not agreed; "
                              "Russia's reload outgrows the violation cost, so the risk rises with age",
    "freeze_breakdown_share_3y": "fewer agreed ceasefires break within 3 years once breakdowns are foreseen "
                                 "(interval 28-34% against a band from 30%)",
}


def _target(key):
    if key in KNOWN_MISSES:
        return pytest.param(key, marks=pytest.mark.xfail(reason=KNOWN_MISSES[key], strict=True))
    return key


@pytest.mark.parametrize("key", [_target(k) for k in TARGETS])
def test_calibration_target(key):
    t = TARGETS[key]
    c = t.check()
    assert c.n >= 400, "too few replications (or ceasefires) for a tight interval"
    assert c.inside(t.band), (f"{key}: model {c.value:.4g} (95% {c.low:.4g}-{c.high:.4g}) outside the "
                              f"band {t.band} from {t.source}; {c.detail}")


def test_every_target_states_its_source_window_and_scenario():
    for t in V.TARGETS:
        assert t.claim and t.source and t.window and t.unit
        assert t.band[0] < t.band[1]
        for name in t.scenario.replace(" vs ", " ").split():
            path = name if "/" in name or name in ("freeze", "refusal", "truce_30day") else f"history/{name}"
            assert (V.SCENARIOS / f"{path}.yaml").exists(), path


def test_the_front_accelerates_after_the_first_year():
    """Honest about the model: the 2024 pace holds in year 1, then speeds up as Ukraine's pool empties."""
    y1, y3 = V._territory_year(1)(None), V._territory_year(3)(None)
    assert y3.low > y1.high


def test_red_lines_decide_the_history_checks():
    """Without its red line Washington would often accept; Russia refuses the pre-2022 line anyway."""
    ab = V.ablation_without_red_line(1000)
    assert ab["us_refuses_without_ukraine"].low > 0.3
    assert ab["ukraine_rejects_recognition"].low > 0.1
    assert ab["russia_rejects_return"].high < 0.05


@pytest.mark.xfail(reason=KNOWN_MISSES["hazard_falls_with_time"], strict=True)
def test_hazard_by_year_falls_for_the_bare_freeze():
    out = V.run("history/freeze_312w")
    d, c = V.agreed(out)
    rates = [V.hazard_rate(d, c, 52 * k, 52 * (k + 1)) for k in range(4)]
    assert rates[0].value > rates[1].value > rates[2].value
    diff, lo, hi = V.rate_difference(rates[1], rates[3])
    assert lo > 0


def test_stronger_agreements_survive_longer_at_every_age():
    bare, strong = V.agreed(V.run("history/freeze_312w")), V.agreed(V.run("history/freeze_312w_monitored"))
    for weeks in (26, 52, 104, 156):
        assert V.survival_at(*strong, weeks) > V.survival_at(*bare, weeks)


# -- estimators --------------------------------------------------------------------------------
def test_hazard_rate_counts_events_and_exposure():
    d = np.array([10.0, 60.0, 120.0, 30.0, 200.0])
    c = np.array([False, False, True, True, False])
    r = V.hazard_rate(d, c, 0, 52)
    assert r.events == 1                           # 30 is censored, 60 ends after the window
    assert r.exposure_years == pytest.approx((10 + 52 + 52 + 30 + 52) / 52)
    r2 = V.hazard_rate(d, c, 52, 104)
    assert r2.events == 1 and r2.exposure_years == pytest.approx((8 + 52 + 52) / 52)
    assert r2.interval[0] >= 0 and r2.interval[1] > r2.value


def test_hazard_rate_recovers_an_exponential_rate():
    rng = np.random.default_rng(5)
    d = rng.exponential(52 / 0.3, 20000)          # 0.3 breakdowns per year
    cens = d > 300
    d = np.minimum(d, 300)
    r = V.hazard_rate(d, cens, 0, 156)
    assert r.interval[0] < 0.3 < r.interval[1]


def test_rate_difference_interval():
    a, b = V.Rate(0, 52, 100, 100.0), V.Rate(0, 52, 50, 100.0)
    diff, lo, hi = V.rate_difference(a, b)
    assert diff == pytest.approx(0.5)
    assert hi - diff == pytest.approx(diff - lo)
    assert (hi - lo) / 2 == pytest.approx(1.959964 * math.sqrt(100 + 50) / 100, rel=1e-5)


def test_median_ci_covers_the_median():
    x = np.random.default_rng(1).normal(2.0, 1.0, 4001)
    m, lo, hi = V.median_ci(x)
    assert lo < m < hi and lo < 2.0 < hi and hi - lo < 0.1


def test_check_inside_needs_the_whole_interval():
    assert V.Check(0.3, 0.28, 0.32, 100).inside((0.25, 0.35))
    assert not V.Check(0.3, 0.2, 0.32, 100).inside((0.25, 0.35))


@pytest.mark.xfail(reason=KNOWN_MISSES["hazard_falls_with_time"], strict=True)
def test_the_fall_in_risk_comes_from_the_growing_violation_cost():
    """Mechanism check (docs/validation.md): without growth the risk no longer falls after year 1."""
    mech = V.mechanisms(years=2)
    base, flat = mech["defaults"]["rates"], mech["violation cost does not grow with age"]["rates"]
    assert base[0].value > base[1].value
    assert flat[1].value > flat[0].value
    # breakdowns come from the reload asymmetry: with equal rebuilding they nearly vanish
    alike = mech["both sides rebuild alike (rebuild share 0.4)"]["rates"]
    assert alike[0].interval[1] < base[0].interval[0] / 4
    assert mech["defaults"]["broken_by_russia"] > 0.9
