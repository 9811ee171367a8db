"""The condition language of scenario discovery: parsed, never ``eval``-ed; clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.conditions import ConditionError, evaluate, parse


@pytest.fixture
def frame():
    return pd.DataFrame({
        "p_holds": [0.1, 0.6, 0.9, np.nan, 0.5],
        "outcome": ["war_continues", "ceasefire_holds", "ceasefire_holds", "ceasefire_broken", "war_continues"],
        "censored": [False, True, False, True, True],
        "param.attrition.exchange_ratio": [1.5, 2.0, 2.5, 3.0, 3.5],
        "offers[0].terms.monitoring": ["none", "bilateral", "international", "none", "bilateral"],
    })


def met(text, frame):
    return list(evaluate(text, frame).met)


def test_comparisons_and_precedence(frame):
    assert met("p_holds > 0.5", frame) == [False, True, True, False, False]
    assert met("p_holds >= 0.5", frame) == [False, True, True, False, True]
    assert met("p_holds <= 0.5 or p_holds == 0.9", frame) == [True, False, True, False, True]
    assert met("0.5 < p_holds", frame) == [False, True, True, False, False]       # literal on the left
    # and binds tighter than or; not tighter than and; parentheses override
    assert met("p_holds < 0.2 or p_holds > 0.8 and not censored", frame) == [True, False, True, False, False]
    assert met("(p_holds < 0.2 or p_holds > 0.8) and censored", frame) == [False, False, False, False, False]
    assert met("not censored", frame) == [True, False, True, False, False]
    assert met("censored == true and p_holds != 0.6", frame) == [False, False, False, False, True]


def test_text_columns_and_the_param_prefix(frame):
    assert met("outcome == 'ceasefire_holds'", frame) == [False, True, True, False, False]
    assert met('outcome != "war_continues"', frame) == [False, True, True, True, False]
    assert met("offers[0].terms.monitoring == 'none'", frame) == [True, False, False, True, False]
    ev = evaluate("attrition.exchange_ratio > 2.2", frame)              # a run's param.* without the prefix
    assert list(ev.met) == [False, False, True, True, True]
    assert ev.columns == ["param.attrition.exchange_ratio"]


def test_undefined_rows_are_not_false(frame):
    ev = evaluate("not p_holds > 0.5", frame)
    assert list(ev.undefined) == [False, False, False, True, False]
    assert list(ev.met) == [True, False, False, False, True]            # the NaN row is neither


@pytest.mark.parametrize("text, message, caret", [
    ("p_holds = 0.5", "unexpected character '=' (use == to compare)", 8),
    ("p_hold > 0.5", "unknown column 'p_hold'; did you mean 'p_holds'?", 0),
    ("exchange_ratio > 2", "did you mean 'param.attrition.exchange_ratio'?", 0),
    ("p_holds >", "expected a column, a number or a quoted text, found the end of the condition", 9),
    ("(p_holds > 0.5", "missing ')'", 14),
    ("p_holds > 0.5 censored", "unexpected 'censored'", 14),
    ("0.1 < p_holds < 0.9", "chained comparisons are not supported", 14),
    ("outcome > 'a'", "text can only be compared with == or !=", 8),
    ("outcome == 3", "different kinds (text vs number)", 8),
    ("p_holds", "'p_holds' is not true/false", 0),
    ("1 < 2", "a comparison needs a column on one side", 0),
    ("outcome == 'ceasefire_holds", "quote text with", 11),
])
def test_bad_conditions_say_what_and_where(frame, text, message, caret):
    with pytest.raises(ConditionError) as exc:
        evaluate(text, frame)
    err = str(exc.value)
    assert message in err
    assert err.startswith("<command line>: key 'condition':")
    assert f"\n    {text}\n    {' ' * caret}^" in err


def test_empty_condition():
    with pytest.raises(ConditionError, match="empty condition"):
        parse("   ")


def test_python_is_never_evaluated(frame, tmp_path):
    marker = tmp_path / "touched"
    for text in (f"__import__('pathlib').Path('{marker}').touch()", "p_holds.__class__ > 0",
                 f"open('{marker}', 'w')"):
        with pytest.raises(ConditionError):
            evaluate(text, frame)
    assert not marker.exists()


# -- fuzz: any text either evaluates or fails with a ConditionError --------------------------
from hypothesis import given, strategies as st  # noqa: E402

from fuzz_support import fuzz_settings  # noqa: E402

_PIECES = st.sampled_from(["p_holds", "outcome", "censored", "exchange_ratio", "nope", "(", ")", "and", "or",
                           "not", "==", "!=", "<", "<=", ">", ">=", "=", "0.5", "-1e3", "'ceasefire_holds'",
                           "\"x", "true", "false", "[", "]", ".", "@", "__import__", ",", "  "])


@fuzz_settings(300)
@given(st.lists(_PIECES, max_size=9).map(" ".join) | st.text(max_size=30))
def test_any_text_evaluates_or_gives_a_condition_error(text):
    frame = pd.DataFrame({"p_holds": [0.1, np.nan, 0.9], "outcome": ["a", "ceasefire_holds", "b"],
                          "censored": [True, False, True], "param.attrition.exchange_ratio": [1.0, 2.0, 3.0]})
    try:
        ev = evaluate(text, frame)
    except ConditionError as exc:
        assert str(exc).startswith("<command line>: key 'condition':")
        return
    assert ev.met.dtype == bool and len(ev.met) == 3
    assert not (ev.met & ev.undefined).any()


def test_a_term_value_column_is_one_name():
    """An actor's term value path has '=' in it (actors.ukraine.term_values.recognition=de_facto);
    it is one column name, with or without param., and '==' stays the operator."""
    import pandas as pd

    from sim.analysis.conditions import evaluate

    col = "param.actors.ukraine.term_values.recognition=de_facto"
    frame = pd.DataFrame({col: [-3.5, -2.0, -1.6], "ceasefires": [0, 1, 1]})
    ev = evaluate("actors.ukraine.term_values.recognition=de_facto > -2.5 and ceasefires==1", frame)
    assert ev.met.tolist() == [False, True, True] and ev.columns == [col, "ceasefires"]
    with pytest.raises(ConditionError, match="use =="):
        evaluate("ceasefires=one", frame)
