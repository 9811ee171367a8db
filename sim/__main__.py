"""``python -m sim`` is the same as the ``ceasefire-sim`` command."""

from .cli import main

raise SystemExit(main())
