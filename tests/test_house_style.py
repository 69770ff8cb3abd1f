"""The municipality's house style comes from settings: its colour and its logo."""

from pathlib import Path

import pytest
from django.test import Client, override_settings

from diemen_sociaal.checks import check_house_style

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
