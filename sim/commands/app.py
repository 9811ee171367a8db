"""``ceasefire-sim app``: the classroom browser app on 127.0.0.1 (works offline)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.scenario.errors import InputError


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port between 0 and 65535, got {value}")
    return value


def register(sub) -> None:
    p = sub.add_parser("app", help="start the classroom browser app on 127.0.0.1",
                       description="Start a local web app: pick up to three scenarios, move the key "
                                   "assumptions, run, and compare the distributions side by side. "
                                   "Everything is served from this machine; no network is needed.")
    p.add_argument("--port", type=port_number, default=8765,
                   help="port on 127.0.0.1 (default 8765; 0 picks a free one)")
    p.add_argument("--scenarios", default=None, metavar="DIR",
                   help="folder of scenario YAML files (default: ./scenarios if it exists, "
                        "else the scenarios shipped with the package)")
    p.set_defaults(handler=main)


def main(args) -> int:
    from sim.app.server import make_server, url_of

    if args.scenarios is not None and not Path(args.scenarios).is_dir():
        raise InputError.single("<command line>", None, "--scenarios", f"{args.scenarios!r} is not a folder")
    try:
        server = make_server(port=args.port, scenarios_folder=args.scenarios, quiet=args.quiet)
    except OSError as exc:
        raise InputError.single("<command line>", None, "--port",
                                f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror}") from None
    print(f"ceasefire-sim app: open {url_of(server)} in a browser "
          f"(scenarios from {server.app.library.folder}); Ctrl-C stops it", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    finally:
        server.server_close()
    return 0
