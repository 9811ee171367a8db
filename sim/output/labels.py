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
