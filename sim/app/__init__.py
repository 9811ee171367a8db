"""The classroom browser app (``ceasefire-sim app``).

A local web app on 127.0.0.1 that works with no network: Python's standard
``http.server`` serves a small JSON API and hand-written static files shipped in the
package (``sim/app/static/``); figures are drawn server-side by matplotlib as PNG.

Modules
-------
controls   the sliders: bounds, validation, and the scenario changes they make
library    which scenarios the page offers (a folder of YAML files, packaged copies, pasted text)
figures    side-by-side comparison figures (PNG bytes)
jobs       one worker thread that runs simulations, with progress
server     the HTTP server and its JSON API
"""
