"""``python -m sim`` is the same as the ``ceasefire-sim`` command."""

from sim.cli import main

raise SystemExit(main())
