"""Every download answers, for both document kinds.

The walk starts from what a reader sees: the list of reports, each report's page and
each chapter's page, and follows every download link on them (open data and PDFs). For
staff it follows the import templates of every report open for import. Each answer
must be 200 with a body that parses as what it says it is. A new download is linked
from one of these pages, so it joins the walk by itself.
"""

import csv
import io
import json
import re

import openpyxl
import pypdf
import pytest
from django.contrib.auth.models import User
from django.test import Client

from cycle.budget import budget_from_annual_report
from cycle.new_year import start_new_year
from programs.models import Report, ReportKind
from readmodel.datarows import TABLES

pytestmark = pytest.mark.django_db

# Open-data files of a report or chapter, a chapter's PDF (the whole report's PDF is a page
# that has it made), and a report's Fiscal Data Package.
DOWNLOAD = re.compile(
    r'href="(/[a-z]+/\d{4}/(?:[\w-]+/)?data\.(?:csv|xlsx|json)[^"#]*|/[a-z]+/\d{4}/[\w-]+/pdf/'
    r'|/[a-z]+/\d{4}/datapackage\.json)"'
)
PAGE = re.compile(r'href="(/(?:jaarstukken|programmabegroting)/\d{4}/(?:(?!pdf/)[\w-]+/)?)"')
TEMPLATE = re.compile(r'href="([^"]+/sjabloon-[\w-]+\.(?:csv|xlsx))"')


@pytest.fixture
def both_kinds(seeded: dict[int, Report], budget_2023: Report) -> list[Report]:
    """The seed's published reports: two annual reports and a Programmabegroting."""
    return [*seeded.values(), budget_2023]


def parsed(url: str, content: bytes) -> object:
    """The body read as what its address says it is; raises when it does not parse."""
    path = url.split("?")[0]
    if path.endswith(".csv"):
        reader = csv.DictReader(io.StringIO(content.decode("utf-8")))
        assert reader.fieldnames, url  # a table without rows still has its header
        return list(reader)
    if path.endswith(".xlsx"):
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True).sheetnames
    if path.endswith(".json"):
        return json.loads(content)
    if path.endswith("/pdf/"):
        return len(pypdf.PdfReader(io.BytesIO(content)).pages)
    raise AssertionError(f"{url}: a download of an unknown kind")


def walk(client: Client, start: str) -> dict[str, object]:
    """Every page under the report list, and every download linked from one, parsed."""
    pages, downloads, queue = set(), {}, [start]
    while queue:
        page = queue.pop()
        if page in pages:
            continue
        pages.add(page)
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        queue.extend(PAGE.findall(html))
        for url in DOWNLOAD.findall(html):
            url = url.replace("&amp;", "&")
            if url not in downloads:
                answer = client.get(url)
                assert answer.status_code == 200, (url, answer.content[:300])
                downloads[url] = parsed(url, answer.content)
    return downloads


def test_every_download_of_every_published_report_answers_for_both_kinds(
    client: Client, both_kinds: list[Report]
) -> None:
    downloads = walk(client, "/")
    for report in both_kinds:
        base = f"/{report.kind}/{report.year}/"
        assert {f"{base}data.xlsx", f"{base}data.json", f"{base}data.csv?tabel=begroting"} <= set(
            downloads
        ), base
        for program in report.programs.all():
            chapter = f"{base}{program.slug}/"
            assert f"{chapter}pdf/" in downloads, chapter
            for table in TABLES:
                assert f"{chapter}data.csv?tabel={table}" in downloads, chapter
    budget = downloads["/programmabegroting/2023/sociaal/data.json"]
    assert isinstance(budget, dict)
    targets = [v for v in budget["indicatoren"] if v["indicator"] == "3.1.4"]
    assert [(v["kolom"], v["jaar"], v["waarde"]) for v in targets] == [("begroot", 2023, "400")]


def test_every_import_template_answers_for_both_kinds(
    client: Client, report_2023: Report, administrator: User
) -> None:
    """The griffie may import every kind, so its import page links to every template."""
    concepts = [budget_from_annual_report(report_2023), start_new_year(source=report_2023)]
    assert {r.kind for r in concepts} == set(ReportKind)
    client.force_login(administrator)
    for report in concepts:
        page = client.get(f"/beheer/{report.kind}/{report.year}/import/")
        assert page.status_code == 200
        templates = TEMPLATE.findall(page.content.decode())
        assert len(templates) == 8, report  # budget, investments, indicators, BBV; two formats
        for url in templates:
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.content[:300])
            if url.endswith(".csv"):
                assert next(csv.reader(io.StringIO(answer.content.decode("utf-8"))))
            else:
                assert openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
