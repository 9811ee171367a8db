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


#: Longest catalogue description used as a label as it stands (longer ones use the name).
LABEL_CHARS = 60
#: Offer fields a sweep may vary -> (words, unit).
OFFER_FIELDS = {"week": ("week the offer is made", "weeks from the start"),
                "repeat_every_weeks": ("offer restated every", "weeks"),
                "duration_days": ("duration of the ceasefire", "days"),
                "army_cap": ("cap on Ukraine's army", "thousand soldiers")}
_ACTOR_PARTS = {"weights": "weight on {}", "term_values": "value of {}", "beliefs": "belief: {}",
                "red_lines": "red line {}"}


def _words(name: str) -> str:
    import re

    text = name.replace("_", " ").replace("=", " = ")
    return re.sub(r"\b(russia|ukraine|europe|united states|nato|us)\b",
                  lambda m: {"united states": "US", "nato": "NATO", "us": "US"}.get(m.group(1), m.group(1).title()),
                  text)


def term_words(key: str) -> str:
    """A term value's key in words: ``recognition=de_facto`` -> "de facto recognition",
    ``nato_renunciation=true`` -> "NATO renunciation", ``army_cap=set`` -> "army cap"."""
    name, sep, value = key.partition("=")
    if not sep or value in ("true", "set"):
        return _words(name)
    return f"{_words(value)} {_words(name)}"


def parameter_label(path: str) -> tuple[str, str]:
    """``(label, unit)`` of a dotted parameter path, in words, from the catalogue.

    ``attrition.exchange_ratio`` -> ("Casualty exchange ratio while Russia attacks",
    "Russian casualties per Ukrainian casualty"); ``actors.russia.weights.casualties`` ->
    ("Russia: weight on casualties", "pp-years per 10,000 own casualties");
    ``actors.ukraine.term_values.recognition=de_facto`` -> ("Ukraine: value of de facto
    recognition", "pp-years"); ``offers[0].terms.monitoring`` -> ("offer 1: monitoring", ""). Unknown paths fall back to
    their words.
    """
    import re

    from sim.scenario import catalog          # here, not at the top: tables and --help stay light

    table = catalog.parameter_table()
    if path in table:
        info = table[path]
        short = re.split(r"[.;:,]\s|\s\(|\.$", info.doc.strip(), maxsplit=1)[0].strip()
        if not short or len(short) > LABEL_CHARS or short.lower().startswith("deprecated"):
            short = f"{_words(info.section)}: {_words(info.name)}"
        return short, info.unit
    parts = path.split(".")
    if parts[0] == "actors" and len(parts) >= 3 and parts[1] in LABELS:
        actor = LABELS[parts[1]]
        if len(parts) == 3 and parts[2] == "resolve_sd":
            return f"{actor}: spread of private resolve", "pp-years"
        if len(parts) == 4 and parts[2] in _ACTOR_PARTS:
            unit = ""
            try:
                entry = (catalog.profile(parts[1]).get(parts[2]) or {}).get(parts[3])
                unit = str(entry.get("unit", "")) if isinstance(entry, dict) else ""
            except (KeyError, OSError):
                pass
            if parts[2] == "term_values" and not unit:
                unit = "pp-years"
            what = term_words(parts[3]) if parts[2] == "term_values" else _words(parts[3])
            return f"{actor}: {_ACTOR_PARTS[parts[2]].format(what)}", unit
    m = re.fullmatch(r"offers\[(\d+)\]\.(?:terms\.)?(\w+)", path)
    if m:
        words, unit = OFFER_FIELDS.get(m.group(2), (_words(m.group(2)), ""))
        return f"offer {int(m.group(1)) + 1}: {words}", unit
    return _words(path), ""


def axis_label(path: str) -> str:
    """A parameter's label with its unit in brackets, for an axis."""
    label, unit = parameter_label(path)
    return f"{label} [{unit}]" if unit else label


#: Sweep outcomes that are quantities -> (words, unit).
_SWEEP_VALUES = {
    "territory_end": ("territory held by Russia at the horizon", "% of Ukraine"),
    "territory_change": ("change in territory held by Russia", "percentage points"),
    "casualties_russia": ("Russian casualties", "thousand"),
    "casualties_ukraine": ("Ukrainian casualties", "thousand"),
    "aid_us": ("US military aid spent", "EUR bn"),
    "aid_europe": ("European military aid spent", "EUR bn"),
    "ceasefire_weeks": ("weeks in a ceasefire", "weeks"),
    "end_week": ("week the war ended or the horizon", "week"),
}


def outcome_label(name: str) -> tuple[str, str]:
    """``(label, unit)`` of a sweep outcome (:data:`sim.sweeps.statistics.STATISTICS` names).

    ``p_ceasefire_holds`` -> ("P(ceasefire holds at the horizon)", "probability");
    ``p_accept_russia`` -> ("P(Russia accepts an offer)", "probability");
    ``territory_end_median`` -> ("median territory held by Russia at the horizon", "% of Ukraine").
    """
    if name == "p_ceasefire_agreed":
        return "P(a ceasefire is agreed)", "probability"
    if name.startswith("p_accept_") and name[len("p_accept_"):] in LABELS:
        return f"P({LABELS[name[len('p_accept_'):]]} accepts an offer)", "probability"
    if name.startswith("p_") and name[2:] in LABELS:
        return f"P({LABELS[name[2:]]} at the horizon)", "probability"
    if name.startswith("utility_") and name.endswith("_mean") and name[8:-5] in LABELS:
        return f"mean realized utility of {LABELS[name[8:-5]]}", "pp-years"
    for stem, (words, unit) in _SWEEP_VALUES.items():
        for how in ("median", "mean"):
            if name == f"{stem}_{how}":
                return f"{how} {words}", unit
    return _words(name), ""
