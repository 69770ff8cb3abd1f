"""WCAG 2.1 AA, checked by axe-core in a real browser (Debian's Chromium, driven by Playwright).

Playwright cannot download browsers here; the project's set-up installs Debian's
chromium package and axe-core from npm, and this test points at both.
"""

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

if TYPE_CHECKING:
    # For the annotations only: Playwright is loaded when a browser starts (tests/browser.py).
    from playwright.sync_api import Browser, FilePayload, Page
    from pytest_django.live_server_helper import LiveServer

    from programs.models import Report

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PAGES = [
    "/",
    "/jaarstukken/2023/",
    "/jaarstukken/2023/sociaal/",
    "/jaarstukken/2023/sociaal/overzicht/",
    "/jaarstukken/2023/sociaal/doelstelling/3/",
    "/jaarstukken/2023/sociaal/doelstelling/6/",
    "/jaarstukken/2023/sociaal/indicator/3.1.3/",
    "/jaarstukken/2023/sociaal/indicator/5.3.1/",
    "/jaarstukken/2023/sociaal/activiteit/1.1.1/",
    "/jaarstukken/2020/sociaal/",
    "/zoeken/?q=eenzaamheid",
    "/zoeken/?q=xyzzy",
    "/jaarstukken/2023/sociaal/doelstelling/5/",
    "/programmabegroting/2023/sociaal/",
    "/programmabegroting/2023/sociaal/activiteit/1.1.1/",
    "/beleid/",
    "/beleid/nota/samen-diemen/",
    "/beleid/projecten/organisatorische-borging-ontheemden/",
    "/beleid/raadsstukken/2024-04-25-besluit-verlenging-samen-diemen/",
    "/beleid/onderwerpen/samen-diemen/",
    "/accounts/login/",
    "/accounts/password_reset/",
]


def _violations(page: "Page") -> list[str]:
    # Evaluated, not added as a <script> tag: the Content-Security-Policy refuses inline scripts.
    assert AXE.exists(), "axe-core is missing: run `make test`, which runs npm ci"
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
def test_public_pages_have_no_wcag_violations(
    live_server: "LiveServer",
    browser: "Browser",
    width: int,
    seeded: dict[int, "Report"],
    budget_2023: "Report",
) -> None:
    from policy.seed import load_all

    load_all()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    page = context.new_page()
    found = {}
    for path in PAGES:
        response = page.goto(live_server.url + path)
        assert response is not None, path
        assert response.status == 200, path
        problems = _violations(page)
        if problems:
            found[path] = problems
    context.close()
    assert found == {}


@pytest.mark.django_db(transaction=True)
def test_the_skip_link_and_keyboard_reach_the_content(
    live_server: "LiveServer", browser: "Browser", report_2023: "Report"
) -> None:
    page = browser.new_page()
    page.goto(live_server.url + "/jaarstukken/2023/sociaal/")
    assert page.evaluate("document.documentElement.lang") == "nl"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Direct naar de inhoud"
    assert page.evaluate("getComputedStyle(document.activeElement).position") == "fixed"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"
    page.close()


STAFF_PAGES = {
    "beleid": [
        "/beheer/",
        "/beheer/jaarstukken/2024/werklijst/",
        "/beheer/mail/",
        "/beheer/jaarstukken/2024/werklijst/?state=ontbreekt&goal=3",
        "/beheer/jaarstukken/2024/sociaal/activiteit/1.1.1/",
        "/beheer/jaarstukken/2024/sociaal/indicator/5.3.1/",
        "/beheer/jaarstukken/2024/sociaal/ontwikkelingen/",
        "/beheer/jaarstukken/2024/sociaal/voetnoten/",
        "/beheer/jaarstukken/2024/sociaal/opbouw/",
        "/beheer/jaarstukken/2024/sociaal/opbouw/nieuw/doelstelling/",
        "/beheer/jaarstukken/2024/sociaal/opmerkingen/",
        "/accounts/password_change/",
        "/jaarstukken/2024/sociaal/",
    ],
    "financien": [
        "/beheer/jaarstukken/2024/sociaal/financien/",
        "/beheer/jaarstukken/2024/sociaal/investering/760124/",
        "/beheer/jaarstukken/2024/sociaal/financien/nieuw/begrotingswijziging/",
    ],
    "control": [
        "/beheer/jaarstukken/2024/status/",
        "/beheer/jaarstukken/2024/begonnen/",
        "/beheer/jaarstukken/2024/programmas/",
        "/beheer/verslag/nieuw/",
        "/beheer/jaarstukken/2024/drempel/",
    ],
    "griffie": ["/beheer/jaarstukken/2024/status/"],
}


@pytest.mark.django_db(transaction=True)
def test_staff_pages_have_no_wcag_violations(
    live_server: "LiveServer", browser: "Browser", report_2023: "Report"
) -> None:
    from readmodel.demo import create_demo_users, start_demo_year

    create_demo_users()
    start_demo_year()
    found = {}
    for username, paths in STAFF_PAGES.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "demo")
        page.click("main button[type=submit]")
        page.wait_for_url("**/beheer/")
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response is not None, path
            assert response.status == 200, path
            problems = _violations(page)
            if problems:
                found[path] = problems
        if username == "beleid":
            # A form with a field error must be accessible too.
            page.goto(live_server.url + "/beheer/jaarstukken/2024/sociaal/indicator/3.1.4/")
            page.fill("#id_begroot__totaal", "1.14")
            with page.expect_navigation(wait_until="load"):
                page.click("main button[type=submit]")
            assert page.locator(".errorlist").count() >= 1
            problems = _violations(page)
            if problems:
                found["indicator form with error"] = problems
            # An import preview that asks about an implausible figure, with its check.
            page.goto(live_server.url + "/beheer/jaarstukken/2024/import/")
            page.check("input[value=indicatoren]")
            jump = "verslagjaar;programma;indicator;kolom;waarde\r\n2024;sociaal;3.1.4;realisatie;900\r\n"
            payload: FilePayload = {
                "name": "waarden.csv",
                "mimeType": "text/csv",
                "buffer": jump.encode(),
            }
            page.set_input_files("input[type=file]", files=payload)
            with page.expect_navigation(wait_until="load"):
                page.click("main button[type=submit]")
            assert page.locator(".import-doubts").count() == 1
            problems = _violations(page)
            if problems:
                found["import preview with a figure to check"] = problems
        context.close()
    assert found == {}


@pytest.mark.django_db(transaction=True)
def test_the_pdf_job_page_is_accessible_and_follows_the_job(
    live_server: "LiveServer", browser: "Browser", tmp_path: Path, report_2023: "Report"
) -> None:
    """The progress page passes axe, and its script shows the download once the job is done."""
    from django.utils import timezone

    from programs.models import PdfJob, PdfJobStatus

    report = report_2023
    job = PdfJob.objects.create(
        report=report,
        status=PdfJobStatus.RUNNING,
        step="De pagina's worden opgemaakt: 5 klaar",
        pages_done=5,
        pages_expected=20,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server.url}/jaarstukken/2023/pdf/taak/{job.pk}/")
    assert _violations(page) == []
    download = page.locator(".pdf-job__download")
    assert download.is_hidden()
    assert page.locator("progress").get_attribute("value") == "25"

    made = tmp_path / "made.pdf"
    made.write_bytes(b"%PDF-1.7 test")
    PdfJob.objects.filter(pk=job.pk).update(
        status=PdfJobStatus.DONE,
        step="Klaar",
        file_path=str(made),
        filename="jaarstukken-2023.pdf",
        page_count=20,
        finished_at=timezone.now(),
    )
    download.wait_for(state="visible", timeout=15_000)
    assert page.locator("#pdf-job-status").inner_text() == "Klaar"
    assert page.locator("progress").is_hidden()
    assert _violations(page) == []
    context.close()
