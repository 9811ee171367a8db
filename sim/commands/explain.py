"""``ceasefire-sim explain ACTOR`` / ``--parameters``: preferences and defaults with sources."""

from __future__ import annotations

from sim.scenario.offers import ACTORS

ALIASES = {"us": "united_states", "usa": "united_states", "eu": "europe"}


def register(sub) -> None:
    p = sub.add_parser("explain", help="show an actor's preferences and red lines, or all parameters, with sources",
                       description="Print an actor's weights, red lines and beliefs (each with its source), "
                                   "or every model parameter with --parameters.")
    p.add_argument("actor", nargs="?", help=f"one of {', '.join(ACTORS)} (or us, eu)")
    p.add_argument("--parameters", action="store_true", help="list every default parameter with its source")
    p.add_argument("--sources", action="store_true",
                   help="list every cited document (outlet, author, date, title, quoted passages)")
    p.add_argument("--markdown", action="store_true",
                   help="with --parameters or --sources: the docs/parameters.md or docs/sources.md text")
    p.set_defaults(handler=main, _parser=p)


def main(args) -> int:
    from sim.scenario.docgen import (explain_actor, explain_parameters, explain_sources, parameters_markdown,
                                     sources_markdown)

    if args.sources:
        print(sources_markdown() if args.markdown else explain_sources(), end="" if args.markdown else "\n")
        return 0
    if args.parameters:
        print(parameters_markdown() if args.markdown else explain_parameters(), end="" if args.markdown else "\n")
        return 0
    if args.actor is None:
        args._parser.error(f"name an actor ({', '.join(ACTORS)}; us and eu work too) or pass --parameters, "
                           f"e.g. `ceasefire-sim explain russia`")
    actor = ALIASES.get(args.actor.lower(), args.actor.lower())
    if actor not in ACTORS:
        import difflib

        close = difflib.get_close_matches(actor, [*ACTORS, *ALIASES], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        args._parser.error(f"expected an actor ({', '.join(ACTORS)}) or --parameters, got {args.actor!r}{hint}")
    print(explain_actor(actor))
    return 0
