import math

import numpy as np
import pytest

from sim.scenario.distributions import parse

U = np.linspace(0.0005, 0.9995, 2000)


@pytest.mark.parametrize("spec,lo,hi", [
    ({"uniform": [1, 3]}, 1, 3),
    ({"triangular": [0, 1, 4]}, 0, 4),
    ({"choice": [2, 5, 9]}, 2, 9),
])
def test_bounded_draws_stay_in_support(spec, lo, hi):
    p, err = parse(spec, (-100, 100))
    assert err is None
    x = p.sample(U)
    assert x.min() >= lo and x.max() <= hi


def test_triangular_mode_and_median():
    p, _ = parse({"triangular": [0, 0, 1]}, (0, 1))
    x = p.sample(U)
    assert abs(np.median(x) - (1 - math.sqrt(0.5))) < 0.01


def test_normal_clipped_to_bounds():
    p, _ = parse({"normal": [0.5, 1.0]}, (0, 1))
    x = p.sample(U, (0, 1))
    assert x.min() == 0 and x.max() == 1


@pytest.mark.parametrize("value,fragment", [
    ("abc", "expected a number"),
    ({"unifrom": [1, 2]}, "did you mean 'uniform'"),
    ({"uniform": [2, 1]}, "low < high"),
    ({"uniform": [1, 2, 3]}, "takes 2 numbers"),
    ({"normal": [1, -1]}, "positive spread"),
    ({"uniform": [0, 200]}, "outside the allowed"),
    (150, "between -100 and 100"),
    ({"uniform": [1, 2], "normal": [1, 1]}, "exactly one"),
    ({"choice": []}, "list of numbers"),
    ({"uniform": [1, float("nan")]}, "finite numbers"),
    (True, "expected a number"),
])
def test_bad_specs_explain_themselves(value, fragment):
    p, err = parse(value, (-100, 100))
    assert p is None and fragment in err


def test_yaml_round_trip():
    for spec in (2.5, {"uniform": [1, 2]}, {"triangular": [1, 2, 3]}, {"lognormal": [2, 0.1]}):
        p, _ = parse(spec, (-100, 100))
        q, _ = parse(p.to_yaml(), (-100, 100))
        assert p == q
