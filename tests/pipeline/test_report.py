"""The HTML report: self-contained, escaped, every figure embedded; checked in headless Chromium."""

from __future__ import annotations

import base64
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from sim.api import simulate
from sim.analysis.compare import run_comparison
from sim.figures.compare import COMPARISON_FIGURES, Figure
from sim.figures.run import RUN_FIGURES
from sim.pipeline.report import ReportRun, render_report
from sim.scenario.schema import from_data

try:  # rootdir-relative import (tests/ is not a package) ...
    from browser_support import have_browser, images_rendered, open_page, screenshot
except ImportError:  # ... or tests/ became a package
    from tests.browser_support import have_browser, images_rendered, open_page, screenshot

PNG = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[2]
DOCS_SCREENSHOT = ROOT / "docs" / "img" / "report.png"


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(text: str) -> list[tuple[str, dict]]:
    p = Tags()
    p.feed(text)
    return p.tags


def image_sources(text: str) -> list[str]:
    return [a.get("src", "") for t, a in tags(text) if t == "img"]


@pytest.fixture(scope="module")
def comparison():
    sc = ROOT / "scenarios"
    return run_comparison([sc / "freeze.yaml", sc / "truce_30day.yaml", sc / "refusal.yaml"], replications=300)


@pytest.fixture(scope="module")
def comparison_html(comparison):
    runs = [ReportRun(s, o, label=label) for s, o, label in
            zip(comparison.scenarios, comparison.outcomes, comparison.labels)]
    return render_report(runs, seed_from=comparison.seed_from, command="ceasefire-sim compare ...")


@pytest.fixture
def require_browser():
    """Skip without a browser locally; fail on CI, where it must exist."""
    if not have_browser():
        reason = "browser tests need playwright and Debian chromium (run scripts/install-browser.sh)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but no browser: {reason}")
        pytest.skip(reason)


# -- the HTML itself ----------------------------------------------------------------------------
def test_every_comparison_figure_is_an_embedded_png(comparison_html):
    srcs = image_sources(comparison_html)
    assert len(srcs) == len(COMPARISON_FIGURES)
    for src in srcs:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG)


def test_nothing_is_fetched_from_anywhere(comparison_html):
    for tag, attrs in tags(comparison_html):
        assert tag not in ("script", "link", "iframe", "object", "embed"), tag
        for name in ("src", "href", "srcset", "action", "data"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "ftp:")), (tag, name, value[:60])
    assert "@import" not in comparison_html and "url(" not in comparison_html


def test_report_shows_descriptions_diff_table_and_red_lines(comparison, comparison_html):
    h = comparison_html
    for s in comparison.scenarios:
        assert s.title in h.replace("&#x27;", "'")
    assert "offers[0].terms.monitoring" in h and "What differs" in h
    assert "paired difference vs freeze" in h
    # Ukraine's red lines veto the refusal's terms; their sources are quoted
    assert "vetoes refusal" in h
    assert "Responsible Statecraft, February 2024" in h and ".txt" not in h   # cited by label
    # pre-rendered figures are used as given
    fig = Figure("x.png", "caption <b>", PNG + b"rest")
    runs = [ReportRun(comparison.scenarios[0], comparison.outcomes[0])]
    html = render_report(runs, figures=[fig])
    assert image_sources(html) == ["data:image/png;base64," + base64.b64encode(PNG + b"rest").decode()]
    assert "caption &lt;b&gt;" in html


def test_all_text_is_escaped(root):
    data = yaml.safe_load((root / "scenarios" / "refusal.yaml").read_text(encoding="utf-8"))
    evil = "<script>alert(\"x\")</script> & <img src=http://evil.example/x.png>"
    data["title"] = data["description"] = evil
    scenario = from_data(data, "evil.yaml")
    assert scenario.title == evil and scenario.description.strip() == evil
    out = simulate(scenario, replications=30, horizon_weeks=20)
    html = render_report([ReportRun(scenario, out, label="a<b>&\"c\"")])
    assert "<script" not in html and "<img src=http" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=http://evil.example/x.png&gt;" in html
    assert "a&lt;b&gt;&amp;&quot;c&quot;" in html
    assert not [a for t, a in tags(html)        # base64 image data may spell "evil" by chance
                if "evil" in " ".join(v for v in a.values() if not v.startswith("data:"))]
    assert len(image_sources(html)) == len(RUN_FIGURES)  # drawn in memory: no figures/ folder given


def test_run_writes_a_single_scenario_report(tmp_path, cli, root):
    out = tmp_path / "run"
    code, _, err = cli("run", root / "scenarios" / "freeze.yaml", "-n", 150, "--out", out)
    assert code == 0, err
    html = (out / "report.html").read_text(encoding="utf-8")
    srcs = image_sources(html)
    pngs = sorted((out / "figures").glob("*.png"))
    assert len(pngs) == len(RUN_FIGURES) and len(srcs) == len(pngs)
    # the report embeds the very files of figures/, in the order of RUN_FIGURES
    assert srcs == ["data:image/png;base64," + base64.b64encode((out / "figures" / name).read_bytes()).decode()
                    for name, _ in RUN_FIGURES]
    assert "Freeze on the current lines" in html and "ceasefire-sim run" in html
    assert "What differs" not in html
    code, _, err = cli("run", root / "scenarios" / "freeze.yaml", "-n", 50, "--out", tmp_path / "nf", "--no-figures")
    assert code == 0 and not (tmp_path / "nf" / "report.html").exists()


def test_a_run_draws_each_figure_once(tmp_path, root, monkeypatch):
    """report.html reuses the PNGs of figures/: one savefig per file, none for the report."""
    import matplotlib.figure

    from sim.commands.run import write_report
    from sim.pipeline.runner import run_scenario

    saved = []
    real = matplotlib.figure.Figure.savefig
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig",
                        lambda self, fname, *a, **k: (saved.append(str(fname)), real(self, fname, *a, **k))[1])
    result = run_scenario(root / "scenarios" / "freeze.yaml", out=tmp_path / "r", replications=60,
                          horizon_weeks=30, extra_files=write_report)
    assert (result.folder / "report.html").is_file()
    names = sorted(Path(f).name for f in saved)
    assert names == sorted(p.name for p in (result.folder / "figures").glob("*.png")) == sorted(n for n, _ in RUN_FIGURES)


def test_render_report_refuses_unpaired_runs(comparison):
    s = comparison.scenarios
    other = simulate(s[1], replications=300, seed=comparison.seed + 1)
    with pytest.raises(ValueError):
        render_report([ReportRun(s[0], comparison.outcomes[0]), ReportRun(s[1], other)])
    with pytest.raises(ValueError):
        render_report([])


# -- in a real browser ----------------------------------------------------------------------------
@pytest.mark.usefixtures("require_browser")
def test_report_renders_offline_in_chromium(tmp_path, comparison_html):
    path = tmp_path / "report.html"
    path.write_text(comparison_html, encoding="utf-8")
    with open_page(viewport=(1280, 900)) as page:
        page.goto(path.as_uri())
        images = images_rendered(page)
        assert len(images) == len(COMPARISON_FIGURES)
        assert all(width > 0 for _, width in images), images
        assert page.external_requests == []
        shot = Path(screenshot(page, tmp_path / "report.png"))
        assert shot.read_bytes().startswith(PNG) and shot.stat().st_size > 50_000
        # a printed A4 page (~794 CSS px) has nothing sticking out sideways
        page.set_viewport_size({"width": 794, "height": 1123})
        page.emulate_media(media="print")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        screenshot(page, tmp_path / "report-print.png")
        # docs/img/report.png (the results table) is written when missing, or on demand with
        # UPDATE_DOCS_SCREENSHOTS=1, so that a test run does not dirty the work tree each time
        if not DOCS_SCREENSHOT.exists() or os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
            page.emulate_media(media="screen")
            page.set_viewport_size({"width": 1280, "height": 900})
            top = page.evaluate("() => document.querySelector('section.results').getBoundingClientRect().top"
                                " + window.scrollY")
            page.screenshot(path=str(DOCS_SCREENSHOT), full_page=True,
                            clip={"x": 0, "y": max(0, top - 20), "width": 1280, "height": 1500})
    assert page.external_requests == []


def test_report_shows_the_margins_table():
    from sim.scenario.schema import load_scenario
    from sim.output.summary import summarize

    s = load_scenario("scenarios/freeze.yaml")
    out = simulate(s, replications=200, horizon_weeks=8)
    sm = summarize(out, s.name)
    page = render_report([ReportRun(s, out, sm)], figures=[])
    assert "What decided: the parts of each decision" in page
    uk = sm["margins"][0]["actors"]["ukraine"]["parts"]["term:recognition=de_facto"]
    assert "term: recognition = de facto" in page
    assert f"{uk['q50']:.2f} <small>({uk['q05']:.2f} to {uk['q95']:.2f})</small>" in page
    assert "private resolve" in page and "own casualties" in page
