"""A run end to end: results folder, figures and the self-contained HTML report.

:mod:`.runner` (``run_scenario``: simulate in chunks, write the folder atomically),
:mod:`.report` (``report.html`` for one run or a comparison). The top of the library: only
sweeps, the app, the commands and the public API import it.
"""
