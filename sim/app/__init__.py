"""The classroom browser app (``ceasefire-sim app``).

A local web app on 127.0.0.1 that works with no network: Python's standard
``http.server`` serves a small JSON API and hand-written static files shipped in the
package (``sim/app/static/``: the page, ``app.js``, ``charts.js``, ``app.css``). The page
draws its charts as SVG from the numbers the server sends; PNGs are drawn by matplotlib
only for downloads (:mod:`sim.figures.app`).

Modules
-------
controls   the sliders: bounds, validation, the scenario changes they make, where they stand
library    which scenarios the page offers (a folder of YAML files, packaged copies, pasted text)
words      offer terms and parameter values in words for the page
jobs       one worker thread that runs simulations, with progress; a bounded queue
reports    the HTML report downloads (sim.pipeline.report)
server     the HTTP server, its JSON API and its defences (Host/Origin checks, deadlines, bounds)
"""
