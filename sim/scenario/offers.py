"""Ceasefire offers: who proposes what, when, and to whom.

An :class:`Offer` is a proposer, a week, the parties who must all accept, and
:class:`Terms`. The presets ``freeze``, ``truce`` and ``refusal`` are the three offers of the
seed documents; a scenario may override any term of a preset or write a package from
scratch (``preset: custom``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sim.scenario.quantities import US_DEFAULT, Conditions, Threat, line_to_yaml

ACTORS = ("russia", "ukraine", "united_states", "europe")
BELLIGERENTS = ("russia", "ukraine")

LINES = ("current", "four_regions", "pre_2022", "pre_2014", "proposer_optimal")   # sim.engine.proposals
RECOGNITION = ("none", "de_facto", "de_jure")
SCOPES = ("full", "energy_strikes", "maritime")
#: Hours in the model's step (a week): ``duration_hours`` is resolved within the week.
HOURS_PER_WEEK = 168.0
MONITORING = ("none", "bilateral", "international")
GUARANTEES = ("none", "bilateral_agreements", "foreign_troops")
SANCTIONS_RELIEF = ("none", "partial", "full")


@dataclass(frozen=True)
class Terms:
    """The terms of a ceasefire package.

    Attributes
    ----------
    line : territorial line of the ceasefire: 'current', 'four_regions', 'pre_2022', 'pre_2014',
        a number (% of Ukraine held by Russia), a :class:`~sim.scenario.quantities.Withdrawal`, or
        'proposer_optimal' (the proposer picks it per replication, :mod:`sim.engine.proposals`)
    recognition : status of Russian control behind the line ('none', 'de_facto', 'de_jure')
    duration_days : length of a fixed-term truce in days, or None for indefinite
    duration_hours : length in hours instead (at most one of the two is set), or None
    extension : a fixed-term truce is put to every party again at each term (False: it lapses)
    scope : 'full' ceasefire, 'energy_strikes' (no strikes on energy infrastructure) or
        'maritime' (safe Black Sea shipping); under the last two the front keeps fighting
    monitoring : 'none', 'bilateral' or 'international'
    guarantees : 'none', 'bilateral_agreements' or 'foreign_troops'
    army_cap : cap on Ukraine's army in thousand soldiers, or None
    sanctions_relief : 'none', 'partial', 'full' or a share 0..1
    nato_renunciation : Ukraine renounces NATO membership
    prisoner_exchange : all-for-all exchange, return of civilians and children
    conditions : :class:`~sim.scenario.quantities.Conditions` while the ceasefire lasts
    """

    line: Any = "current"
    recognition: str = "none"
    duration_days: int | None = None
    duration_hours: int | None = None
    extension: bool = False
    scope: str = "full"
    monitoring: str = "none"
    guarantees: str = "none"
    army_cap: float | None = None
    sanctions_relief: Any = "none"
    nato_renunciation: bool = False
    prisoner_exchange: bool = False
    conditions: Conditions = field(default_factory=Conditions)

    @property
    def duration_weeks(self) -> float | None:
        """Duration in weeks, the model's step (30 days = 4.29 weeks, 30 hours = 0.179 weeks).

        The model resolves time within the week (:mod:`sim.engine.timing`): the fraction of
        the last week covered by the truce rests the front for that fraction only.
        """
        if self.duration_hours is not None:
            return self.duration_hours / HOURS_PER_WEEK
        return None if self.duration_days is None else self.duration_days / 7.0

    def to_yaml(self) -> dict[str, Any]:
        """The terms as plain data; ``duration_hours`` only when set (older files stay the same)."""
        out = asdict(self)
        out["line"] = line_to_yaml(self.line)
        out["conditions"] = self.conditions.to_yaml()
        if out["duration_hours"] is None:
            del out["duration_hours"]
        return out


@dataclass(frozen=True)
class Offer:
    """An offer made in a given week (and optionally repeated) to a set of parties."""

    name: str
    proposer: str
    week: int
    terms: Terms
    parties: tuple[str, ...] = BELLIGERENTS
    repeat_every_weeks: int = 0
    preset: str = "custom"
    source: str = ""
    #: threats attached to the offer; None = the default (a US-brokered offer carries the US threats)
    threats: tuple[Threat, ...] | None = None

    @property
    def all_threats(self) -> tuple[Threat, ...]:
        """The threats in force: as written, or the US ones for a US offer written without."""
        if self.threats is not None:
            return self.threats
        return US_DEFAULT if self.proposer == "united_states" else ()

    #: one declaring party holds its fire; the other side decides each week whether to reciprocate
    unilateral: bool = False

    @property
    def declarer(self) -> str | None:
        """The declaring party of a unilateral truce (None for a mutual offer)."""
        return self.parties[0] if self.unilateral else None

    @property
    def responder(self) -> str | None:
        """The belligerent that may reciprocate a unilateral truce (None for a mutual offer)."""
        if not self.unilateral:
            return None
        return "ukraine" if self.parties[0] == "russia" else "russia"

    def due(self, week: int) -> bool:
        """Is the offer on the table in ``week``?"""
        if week < self.week:
            return False
        if week == self.week:
            return True
        return self.repeat_every_weeks > 0 and (week - self.week) % self.repeat_every_weeks == 0

    def to_yaml(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "preset": self.preset,
            "proposer": self.proposer,
            "week": self.week,
            "repeat_every_weeks": self.repeat_every_weeks,
            "parties": list(self.parties),
            "terms": self.terms.to_yaml(),
        }
        if self.threats is not None:
            out["threats"] = [t.to_yaml() for t in self.threats]
        if self.unilateral:
            out["unilateral"] = True
        if self.source:
            out["source"] = self.source
        return out


#: The offers of the seed documents. Each preset cites where its terms come from.
PRESETS: dict[str, dict[str, Any]] = {
    "freeze": {
        "proposer": "russia",
        "terms": Terms(line="current", recognition="de_facto", duration_days=None),
        "source": (
            "001_3af3d05dba52c1d7.txt: Putin \"is ready to halt the war in Ukraine with a "
            "negotiated ceasefire that recognises the current battlefield lines\"; "
            "003_b310c964025fb84c.txt: \"freeze the conflict at the current lines and was "
            "unwilling to cede any of the Ukrainian territory controlled by Russia\""
        ),
    },
    "truce": {
        "proposer": "united_states",
        "terms": Terms(line="current", recognition="none", duration_days=30, extension=True,
                       prisoner_exchange=True),
        "source": (
            "002_874e2567e534d42f.txt: \"the ceasefire will last for 30 days and can be extended "
            "with the consent of both parties. The protocol also includes a prisoner exchange\""
        ),
    },
    "refusal": {
        "proposer": "russia",
        "terms": Terms(line="four_regions", recognition="de_jure", duration_days=None,
                       army_cap=50.0, nato_renunciation=True),
        "source": (
            "000_42f988c6d41ea246.txt: Putin \"outright rejected any ceasefire negotiation "
            "process\" and demands Ukraine's \"irreversible\" \"demilitarization\"; "
            "001_3af3d05dba52c1d7.txt: \"the four of Ukraine's regions ... now belonged to it in "
            "their entirety\". The army cap of 50k is an assumption standing for demilitarization."
        ),
    },
    "custom": {"proposer": "russia", "terms": Terms(), "source": ""},
}


def from_preset(preset: str, **changes: Any) -> Offer:
    """Build an offer from a preset, with any field or term changed.

    ``from_preset('truce', week=4, monitoring='international')`` changes a term;
    ``week``, ``proposer``, ``parties``, ``repeat_every_weeks`` and ``name`` change the offer.
    """
    base = PRESETS[preset]
    offer_fields = {"name", "proposer", "week", "parties", "repeat_every_weeks", "source", "threats", "unilateral"}
    term_changes = {k: v for k, v in changes.items() if k not in offer_fields}
    offer_changes = {k: v for k, v in changes.items() if k in offer_fields}
    terms = replace(base["terms"], **term_changes)
    offer = Offer(name=preset, proposer=base["proposer"], week=0, terms=terms, preset=preset,
                  source=base["source"])
    if "parties" in offer_changes:
        offer_changes["parties"] = tuple(offer_changes["parties"])
    return replace(offer, **offer_changes)


TERM_FIELDS = tuple(Terms.__dataclass_fields__)
#: Terms with named values (``line`` and ``sanctions_relief`` also take quantities, parsed by
#: :mod:`sim.scenario.quantities`, as does ``conditions``).
TERM_CHOICES = {
    "line": LINES,
    "recognition": RECOGNITION,
    "scope": SCOPES,
    "monitoring": MONITORING,
    "guarantees": GUARANTEES,
    "sanctions_relief": SANCTIONS_RELIEF,
}
