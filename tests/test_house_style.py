"""The municipality's house style comes from settings: its colour and its logo."""

import subprocess
from pathlib import Path

import pytest
from django.test import Client, override_settings
from PIL import Image

from diemen_sociaal.checks import check_house_style
from programs.models import Report
from publishing import pdf

pytestmark = pytest.mark.django_db


def test_without_a_house_style_the_product_shows_its_own(client: Client) -> None:
    page = client.get("/").content.decode()
    assert "/huisstijl.css" not in page and "site-header__logo" not in page
    assert client.get("/huisstijl.css").status_code == 404
    assert check_house_style() == []


def test_a_colour_and_a_logo_from_settings_reach_every_page(client: Client, tmp_path: Path) -> None:
    (tmp_path / "logo-voorbeeld.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    with override_settings(
        MUNICIPALITY_NAME="Gemeente Voorbeeld",
        MUNICIPALITY_COLOUR="#005a9c",
        MUNICIPALITY_LOGO="logo-voorbeeld.svg",
        STATICFILES_DIRS=[tmp_path],
    ):
        page = client.get("/").content.decode()
        assert '<link rel="stylesheet" href="/huisstijl.css">' in page
        assert '<img class="site-header__logo" src="/static/logo-voorbeeld.svg" alt="">' in page
        css = client.get("/huisstijl.css")
        assert css["Content-Type"].startswith("text/css")
        # The colour, and a darker shade of it for hover states and headings.
        assert css.content.decode() == (
            ":root { --diemen-blue: #005a9c; --diemen-blue-dark: #003a65; }\n"
        )
        assert check_house_style() == []


@pytest.mark.parametrize(
    ("colour", "logo", "error", "words"),
    [
        ("blauw", "", "diemen_sociaal.E010", "is geen kleur als #00497a"),
        ("#ffdd00", "", "diemen_sociaal.E011", "minder dan 4.5:1 (WCAG 2.1 AA)"),
        ("", "logo-bestaat-niet.svg", "diemen_sociaal.E012", "staat niet bij de statische"),
    ],
)
def test_an_unreadable_colour_or_a_missing_logo_is_refused_at_start(
    colour: str, logo: str, error: str, words: str
) -> None:
    with override_settings(MUNICIPALITY_COLOUR=colour, MUNICIPALITY_LOGO=logo):
        [found] = check_house_style()
    assert found.id == error and words in found.msg


def _colours_drawn(pdf_bytes: bytes, tmp_path: Path) -> set[tuple[int, ...]]:
    """Every colour pdftoppm draws on the PDF's first two pages."""
    tmp_path.mkdir()
    (tmp_path / "doc.pdf").write_bytes(pdf_bytes)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-l", "2", "-png", str(tmp_path / "doc.pdf"), str(tmp_path / "p")],
        check=True,
    )
    found: set[tuple[int, ...]] = set()
    for png in sorted(tmp_path.glob("p-*.png")):
        with Image.open(png) as image:
            found |= {tuple(rgb) for _, rgb in image.convert("RGB").getcolors(1 << 20) or []}  # type: ignore[arg-type]
    return found


def test_the_pdf_is_printed_in_the_municipalitys_colour(
    report_2023: Report, tmp_path: Path
) -> None:
    program = report_2023.programs.get(slug="sociaal")
    own = _colours_drawn(pdf.render_chapter_pdf(program)[2], tmp_path / "eigen")
    assert (0x00, 0x49, 0x7A) in own  # the product's blue: headings' rules, table heads
    with override_settings(MUNICIPALITY_COLOUR="#7a1f5c"):
        theirs = _colours_drawn(pdf.render_chapter_pdf(program)[2], tmp_path / "voorbeeld")
    assert (0x7A, 0x1F, 0x5C) in theirs
    assert (0x00, 0x49, 0x7A) not in theirs
