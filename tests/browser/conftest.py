"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import functools
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("screenshots")


# axe-core comes from npm (package-lock.json pins it) and is put into the page by the test only:
# the site never serves it and no page loads it from a CDN.
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Colour contrast axe-core can never decide, whatever the colours, as (its reason, the elements):
# - text drawn in an SVG (axe treats a drawing as an image, and finds a figure too short to be
#   text or a tile under a name): the register's charts, whose colours
#   tests/certificates/register/test_charts.py measures against the colour under them;
# - a list box's own options, which cover it;
# - a figure of one or two characters, which axe finds too short to tell whether it is text;
# - text partly hidden by the edge of its scroll box or by a sticky column scrolled over it.
UNDECIDABLE = [
    ["*", "svg.chart"],
    ["bgOverlap", "select[multiple], select[size]"],
    ["shortTextContent", "*"],
    ["elmPartiallyObscured", ".table-scroll, .matrix-scroll"],
]

RUN_AXE = """async ([tags, tolerated]) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations", "incomplete"],
  });
  const reason = (node) => (node.any.find((check) => check.data) || {data: {}}).data.messageKey;
  const describe = (rule, nodes) => ({
    id: rule.id,
    impact: rule.impact,
    help: rule.help,
    helpUrl: rule.helpUrl,
    nodes: nodes.map((node) => ({
      target: node.target.join(" "),
      html: node.html.slice(0, 200),
      summary: node.failureSummary || "",
    })),
  });
  // Colour contrast axe could not decide is a question no one answers: the page's colours
  // must be decidable. Tolerated are only the cases no colour can make decidable (see
  // UNDECIDABLE): each names a reason axe gives and the elements it may give it for.
  const decidable = (node) => {
    const element = document.querySelector(node.target[0]);
    return !tolerated.some(([key, selector]) =>
      (key === "*" || reason(node) === key) && element && element.closest(selector));
  };
  const undecided = results.incomplete
    .filter((rule) => rule.id === "color-contrast")
    .map((rule) => describe(rule, rule.nodes.filter(decidable)))
    .filter((rule) => rule.nodes.length);
  return {
    violations: results.violations.map((rule) => describe(rule, rule.nodes)),
    undecided: undecided,
  };
}"""


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def _report(rules: list[dict]) -> str:
    lines = []
    for rule in rules:
        lines.append(f"{rule['id']} ({rule['impact']}): {rule['help']} — {rule['helpUrl']}")
        for node in rule["nodes"]:
            lines.append(f"    {node['target']}: {node['html']}")
            for summary in node["summary"].splitlines():
                lines.append(f"        {summary}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Run axe-core once on the page as it stands and fail on any WCAG 2.2 A/AA violation, and
    on any colour contrast axe could not decide, naming each rule, its nodes and its help."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make install` (npm ci installs axe-core)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, not added as a <script>: the site's
        # Content-Security-Policy (script-src 'self') refuses inline scripts, as it should.
        page.evaluate(_axe_source())
    results = page.evaluate(RUN_AXE, [WCAG_TAGS, UNDECIDABLE])
    problems = results["violations"] + [
        {**rule, "id": f"{rule['id']} (needs review)"} for rule in results["undecided"]
    ]
    assert not problems, f"axe-core on {page.url}:\n{_report(problems)}"
