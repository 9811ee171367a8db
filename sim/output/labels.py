"""Display names shared by tables, figures and reports (one spelling everywhere)."""

#: outcome classes and actors -> the words a reader sees
LABELS = {
    "war_continues": "war continues", "ceasefire_holds": "ceasefire holds",
    "ceasefire_broken": "ceasefire broken", "truce_lapsed": "truce lapsed",
    "ukraine_collapse": "Ukraine collapses", "russia_collapse": "Russia collapses",
    "russia": "Russia", "ukraine": "Ukraine", "united_states": "United States", "europe": "Europe",
}

#: outcome key -> (label, kind): kind 'p' = probability (shown in %), 'x' = a quantity
SENSITIVITY_OUTCOMES: dict[str, tuple[str, str]] = {
    "p_agreed": ("P(ceasefire agreed)", "p"),
    "p_holds": ("P(ceasefire holds at the horizon)", "p"),
    "territory_end_median": ("territory held by Russia at the horizon, median (%)", "x"),
    "accept_russia": ("P(Russia accepts an offer)", "p"),
    "accept_ukraine": ("P(Ukraine accepts an offer)", "p"),
}

#: parts of an accept decision (sim.engine.decomposition.decision_parts) -> plain words
PART_LABELS = {
    "territory": "territory (the line held)",
    "casualties": "own casualties",
    "economic": "economic cost",
    "security": "security (the army it fears)",
    "resolve": "private resolve",
    "noise": "this week's political shock",
}


def part_label(name: str) -> str:
    """``'term:recognition=de_facto'`` -> ``'term: recognition = de facto'``; else :data:`PART_LABELS`."""
    if name.startswith("term:"):
        key, _, value = name[len("term:"):].partition("=")
        return f"term: {key.replace('_', ' ')} = {value.replace('_', ' ')}"
    return PART_LABELS.get(name, name.replace("_", " "))
