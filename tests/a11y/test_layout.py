"""The layout on a phone and on paper, measured in a real browser (Debian's Chromium, via Playwright).

Same set-up as test_axe.py: Playwright cannot download browsers here, so it drives the
chromium package that the project's set-up installs.
"""

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    # For the annotations only: Playwright is loaded when a browser starts (tests/browser.py).
    from playwright.sync_api import Browser, Page, ViewportSize
    from pytest_django.live_server_helper import LiveServer

    from programs.models import Report

PHONE: "ViewportSize" = {"width": 375, "height": 812}
CHAPTER = "/jaarstukken/2023/sociaal/"

PHONE_PAGES = [
    "/",
    CHAPTER,
    CHAPTER + "doelstelling/3/",
    CHAPTER + "indicator/3.1.3/",
    # One with a trend chart (two years and a target).
    CHAPTER + "indicator/3.1.4/",
    # An indicator broken down into components: the widest trend table.
    CHAPTER + "indicator/5.3.1/",
]

# Everything that sticks out past the right edge of the window, except what sits inside a
# table's own scroll region (there, scrolling sideways is how a wide table is read).
OVERFLOWING = """() => {
  const limit = window.innerWidth + 1;
  return [...document.body.querySelectorAll('*')]
    .filter((el) => !el.closest('.table-scroll') || el.matches('.table-scroll'))
    .filter((el) => el.getBoundingClientRect().right > limit)
    .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''))
    .slice(0, 10);
}"""

# The size on screen, in CSS pixels, of every text of the indicator trend charts (not the
# money charts beside the cost tables): its font size in the chart's own units times the
# scale the chart is drawn at.
CHART_TEXT_SIZES = """() => [...document.querySelectorAll(
    '.trend-chart:not(.money-chart) svg text')]
  .filter((t) => t.textContent.trim())
  .map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""

# How far the money charts' texts stand left of their chart (negative: cut off), in px.
MONEY_LEFT_EDGE = """() => Math.min(0, ...[...document.querySelectorAll('.money-chart svg')]
  .flatMap((svg) => [...svg.querySelectorAll('text')].map(
    (t) => t.getBoundingClientRect().left - svg.getBoundingClientRect().left)))"""

# What static/css/site.css hides in @media print: the header's search form, the skip link,
# the breadcrumbs, the chapter's table of contents and the footer with the staff login.
HIDDEN_ON_PAPER = [
    ".site-header form",
    ".utrecht-skip-link",
    ".site-breadcrumbs",
    ".chapter-toc",
    ".site-footer",
]


def _display(page: "Page", selector: str) -> str:
    return page.eval_on_selector(selector, "(el) => getComputedStyle(el).display")


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_no_page_is_wider_than_the_screen(
    live_server: "LiveServer", browser: "Browser", report_2023: "Report"
) -> None:
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    page = context.new_page()
    found = {}
    tables_scroll = False
    chart_text: list[float] = []
    money_text: list[float] = []
    money_left_edge = 0.0
    for path in PHONE_PAGES:
        response = page.goto(live_server.url + path)
        assert response is not None, path
        assert response.status == 200, path
        assert page.evaluate("window.innerWidth") == PHONE["width"]
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        sticking_out = page.evaluate(OVERFLOWING)
        if scroll_width > PHONE["width"] + 1 or sticking_out:
            found[path] = (scroll_width, sticking_out)
        # Wide tables stay inside their region and scroll there.
        tables_scroll = tables_scroll or page.evaluate(
            "[...document.querySelectorAll('.table-scroll')]"
            ".some((el) => el.scrollWidth > el.clientWidth"
            " && getComputedStyle(el).overflowX === 'auto')"
        )
        chart_text += page.evaluate(CHART_TEXT_SIZES)
        money_text += page.evaluate(CHART_TEXT_SIZES.replace(":not(.money-chart)", ".money-chart"))
        money_left_edge = min(money_left_edge, page.evaluate(MONEY_LEFT_EDGE))
    context.close()
    assert found == {}
    # A trend chart shrinks to the phone's width; its labels and figures stay legible. So do
    # the money charts, wider for their lines' names (on two lines where long), inside the
    # chart.
    assert chart_text and min(chart_text) >= 12, sorted(chart_text)[:5]
    assert money_text and min(money_text) >= 11, sorted(money_text)[:5]
    assert money_left_edge >= 0
    # The chapter's indicator tables are wider than a phone: at least one must scroll.
    assert tables_scroll


@pytest.mark.django_db(transaction=True)
def test_printing_leaves_out_what_makes_no_sense_on_paper(
    live_server: "LiveServer", browser: "Browser", report_2023: "Report"
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    response = page.goto(live_server.url + CHAPTER)
    assert response is not None
    assert response.status == 200
    # On screen all of it is there: the staff login sits in the footer.
    login = page.get_by_role("link", name="Inloggen voor medewerkers")
    assert login.is_visible()
    assert {s: _display(page, s) != "none" for s in HIDDEN_ON_PAPER} == dict.fromkeys(
        HIDDEN_ON_PAPER, True
    )

    page.emulate_media(media="print")
    assert {s: _display(page, s) for s in HIDDEN_ON_PAPER} == dict.fromkeys(HIDDEN_ON_PAPER, "none")
    assert not login.is_visible()
    assert not page.get_by_role("search").is_visible()
    # The report itself is printed, tables whole instead of in a scroll box.
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator(".investment-table").is_visible()
    overflow = page.eval_on_selector_all(
        ".table-scroll", "(els) => [...new Set(els.map((el) => getComputedStyle(el).overflowX))]"
    )
    assert overflow == ["visible"]
    context.close()
