"""Helpers of the phone browser tests (staff and learner pages at 360 × 740): no page wider
than the screen, boxes that scroll sideways reachable and named, no request to another host;
and a quiz answered right or wrong, found through the opaque choice keys on the server."""

from urllib.parse import urlsplit

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}


def watch_hosts(page, live_server) -> list[str]:
    """Every request the page's context makes to a host other than the live server's."""
    own = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []

    def record(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != own:
            elsewhere.append(request.url)

    page.context.on("request", record)
    return elsewhere


def assert_fits(page, screenshot_dir, name: str) -> None:
    """The page as it stands must not be wider than the screen, and every box that scrolls
    sideways must be reachable with the keyboard and named. Saves a full-page screenshot."""
    page.wait_for_load_state("load")
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    page.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)
    assert widths["scroll"] <= widths["client"], f"{page.url}: {widths['scroll']} px wide"
    unreachable = page.evaluate(
        """() => [...document.querySelectorAll('main *')].filter(el => {
            const style = getComputedStyle(el);
            return ['auto', 'scroll'].includes(style.overflowX)
                && el.scrollWidth > el.clientWidth
                && !(el.tabIndex >= 0 && (el.getAttribute('aria-label')
                     || el.getAttribute('aria-labelledby')));
        }).map(el => el.outerHTML.slice(0, 120))"""
    )
    assert unreachable == [], f"{page.url}: scroll boxes without focus or name: {unreachable}"


def fits(page, path: str, screenshot_dir, name: str, *, status: int = 200) -> None:
    """Open `path` (answered with `status`) and `assert_fits` it."""
    response = page.goto(path)
    assert response is not None and response.status == status, (path, response.status)
    assert_fits(page, screenshot_dir, name)


def answer_quiz(page, *, right: bool) -> None:
    """Tick each question's right (or a wrong) choice, found by its opaque key server-side."""
    from assessments.models import Choice

    for fieldset in page.locator("fieldset[data-question]").all():
        keys = [
            radio.get_attribute("value") for radio in fieldset.locator("input[type=radio]").all()
        ]
        correct = {
            str(key)
            for key in Choice.objects.filter(key__in=keys, is_correct=True).values_list(
                "key", flat=True
            )
        }
        key = next(k for k in keys if (k in correct) == right)
        fieldset.locator(f"input[value='{key}']").check()
