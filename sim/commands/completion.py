"""``ceasefire-sim completion bash|zsh``: print a shell completion script.

The script is generated from the command's own argparse parser by ``shtab`` (the
``[completion]`` extra), so it completes every sub-command and option, and file names where a
command takes a scenario, sweep file or results folder. Install it with, e.g.::

    ceasefire-sim completion bash > ~/.local/share/bash-completion/completions/ceasefire-sim
    ceasefire-sim completion zsh > "${fpath[1]}/_ceasefire-sim"

Generating it imports no model, figures or pandas: only the parsers.
"""

from __future__ import annotations

import sys

from sim.scenario.errors import InputError

SHELLS = ("bash", "zsh")


def register(sub) -> None:
    p = sub.add_parser("completion", help="print a bash or zsh completion script",
                       description="Print a tab-completion script for bash or zsh (generated from the "
                                   "parser by shtab: pip install 'ceasefire-sim[completion]'). Bash: "
                                   "ceasefire-sim completion bash > ~/.local/share/bash-completion/completions/"
                                   "ceasefire-sim; zsh: ceasefire-sim completion zsh > \"${fpath[1]}/_ceasefire-sim\".")
    p.add_argument("shell", choices=SHELLS, help="the shell: bash or zsh")
    p.set_defaults(handler=main)


def script(shell: str, parser) -> str:
    """The completion script of ``parser`` (the command's own, :func:`sim.cli.build_parser`)
    for ``shell``; raises InputError without shtab."""
    try:
        import shtab
    except ImportError:
        raise InputError.single("<command line>", None, "completion",
                                "shell completion needs shtab: pip install 'ceasefire-sim[completion]'") from None
    _mark_paths(parser, shtab)
    return shtab.complete(parser, shell=shell)


def _mark_paths(parser, shtab) -> None:
    """File names for positional files and --out folders, directories for results folders."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _mark_paths(sub, shtab)
        elif action.dest in ("scenario", "scenarios", "files", "sweep", "manifest"):
            action.complete = shtab.FILE
        elif action.dest in ("folder", "out"):
            action.complete = shtab.DIRECTORY


def main(args) -> int:
    sys.stdout.write(script(args.shell, args.root_parser))   # set by sim.cli.build_parser
    return 0
