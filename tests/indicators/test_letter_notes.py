"""A note with its printed label: a letter ("A") that stands in a cell instead of a figure."""

import csv
import io
import json
import re

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from pypdf import PdfReader

from indicators.models import Footnote, Indicator, IndicatorValue
from programs.models import Report, ReportStatus
from tests.client import ClientResponse
from tests.indicators.test_table_columns import KEYS, STAFF
from tests.programs.test_imports import confirm, dutch_csv, error_rows, upload

pytestmark = pytest.mark.django_db

FOOTNOTES = "/beheer/jaarstukken/2024/sociaal/voetnoten/"
CHAPTER = "/jaarstukken/2024/sociaal/"
IMPORT = "/beheer/jaarstukken/2024/import/"
LETTER_NOTE = "Voor 2030 is nog geen streefwaarde vastgesteld; de raad besluit erover in 2025."


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def pdf_text(response: ClientResponse) -> str:
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def _add_note(client: Client, label: str, text: str, kind: str = "toelichting") -> ClientResponse:
    return client.post(FOOTNOTES, {"label": label, "kind": kind, "text": text})


def test_policy_staff_add_a_lettered_note_and_a_letter_is_used_once_per_chapter(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    assert _add_note(client, "", "Bron: CBS.").status_code == 302
    assert _add_note(client, "a", LETTER_NOTE).status_code == 302
    notes = Footnote.objects.filter(program__report=concept_2024).order_by("number")
    assert [(n.number, n.mark) for n in notes] == [(1, "1"), (2, "a")]

    taken = _add_note(client, "a", "Nog een.")
    assert taken.status_code == 400
    assert "Dit hoofdstuk heeft al een voetnoot met de letter a; kies een andere." in text_of(taken)
    wrong = _add_note(client, "A1", "Nog een.")
    assert wrong.status_code == 400
    assert "Een voetnoot met een letter heeft een tot vier letters, zoals A" in text_of(wrong)
    assert notes.count() == 2, "nothing refused is stored"

    page = text_of(client.get(FOOTNOTES))
    assert "a bewerken " + LETTER_NOTE + " nog nergens" in page
    # Its letter can be corrected, with the lock and history every edit has.
    note = notes.get(label="a")
    edit = f"/beheer/jaarstukken/2024/sociaal/voetnoot/{note.pk}/"
    response = client.post(
        edit, {"label": "A", "kind": "toelichting", "text": LETTER_NOTE, "version": "1"}
    )
    assert response.status_code == 302, text_of(response)[:2000]
    note.refresh_from_db()
    assert (note.mark, note.version) == ("A", 2)
    stale = client.post(
        edit, {"label": "B", "kind": "toelichting", "text": LETTER_NOTE, "version": "1"}
    )
    assert stale.status_code == 409
    assert "Iemand anders heeft dit intussen gewijzigd" in text_of(stale)
    note.refresh_from_db()
    assert note.mark == "A"


def test_a_lettered_note_stands_in_a_cell_on_every_page_and_in_every_download(
    client: Client, policy_officer: User, concept_2024: Report, wide_table: Indicator
) -> None:
    client.force_login(policy_officer)
    _add_note(client, "", "Cijfer van de GGD-monitor.")
    _add_note(client, "A", LETTER_NOTE)
    data = dict(zip([f"{key}__totaal" for key in KEYS], TYPED_WITH_NOTE, strict=True))
    # The long-term target is the letter alone; a realisation carries the numbered note.
    data |= {"streefwaarde_2030__totaal__voetnoten": "a", "realisatie__totaal__voetnoten": "1"}
    data |= {"version": str(wide_table.version), "plausible": "on"}
    response = client.post(STAFF, data)
    assert response.status_code == 302, text_of(response)[:3000]
    target = IndicatorValue.objects.get(indicator=wide_table, kind="streefwaarde")
    assert (target.state, target.display) == ("note", "")
    assert [note.mark for note in target.footnotes.all()] == ["A"]
    # The form shows the cell as it was typed: no value, the letter among its notes.
    form = client.get(STAFF).content.decode()
    assert re.search(r'name="streefwaarde_2030__totaal__voetnoten"[^>]*value="A"', form)
    assert not re.search(r'name="streefwaarde_2030__totaal"[^>]*value=', form)

    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.OFFERED)
    client.logout()
    chapter = client.get(CHAPTER)
    html = chapter.content.decode()
    # The letter in the cell at full size, linked to its note; the number a superscript.
    assert re.search(
        r'<td[^>]*><a class="footnote-mark footnote-mark--in-cell" href="#[^"]*-voetnoot-A" '
        r'aria-label="zie voetnoot A">A</a></td>',
        html,
    )
    assert re.search(r'47,3%<sup class="footnote-mark"> <a href="#[^"]*-voetnoot-1"', html)
    row = "9.1 - Sporters (% 12 t/m 21 jaar) 41,0% 42,5% 44,1% 47,3% 1 45% A 39,8%"
    assert row in text_of(chapter)
    assert "A " + LETTER_NOTE in text_of(chapter)
    assert re.search(r'<li id="[^"]*-voetnoot-A" class="footnote--lettered">', html)

    page = client.get(CHAPTER + "indicator/9.1/")
    assert row.replace("9.1 - Sporters (% 12 t/m 21 jaar) ", "") in text_of(page)
    assert "A " + LETTER_NOTE in text_of(page)
    printed = pdf_text(client.get(CHAPTER + "pdf/"))
    # The list's letter has its dot, as the numbered notes have theirs.
    assert row in printed and "A. " + LETTER_NOTE in printed

    rows = list(csv.DictReader(io.StringIO(client.get(CHAPTER + "data.csv").content.decode())))
    ours = {r["kolom"]: r for r in rows if r["indicator"] == "9.1"}
    assert (ours["streefwaarde_2030"]["staat"], ours["streefwaarde_2030"]["waarde"]) == (
        "voetnoot",
        "",
    )
    assert (ours["streefwaarde_2030"]["voetnoten"], ours["realisatie"]["voetnoten"]) == ("A", "1")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(CHAPTER + "data.xlsx").content))
    sheet = workbook["indicatoren"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    marks = {
        r[header.index("kolom")].value: r[header.index("voetnoten")].value
        for r in sheet.iter_rows(min_row=2)
        if r[header.index("indicator")].value == "9.1"
    }
    assert (marks["streefwaarde_2030"], marks["realisatie"]) == ("A", "1")
    document = json.loads(client.get(CHAPTER + "data.json").content)
    cells = {v["kolom"]: v for v in document["indicatoren"] if v["indicator"] == "9.1"}
    assert cells["streefwaarde_2030"]["voetnoten"] == ["A"]
    assert cells["streefwaarde_2030"]["staat"] == "voetnoot"
    assert cells["streefwaarde_2030"]["getal"] is None
    api = json.loads(client.get(f"/api{CHAPTER}indicatoren/9.1/").content)
    assert [v["voetnoten"] for v in api["waarden"] if v["kolom"] == "streefwaarde_2030"] == [["A"]]
    # The API says what the marks stand for.
    assert api["voetnoten"] == [
        {"teken": "1", "soort": "toelichting", "tekst": "Cijfer van de GGD-monitor."},
        {"teken": "A", "soort": "toelichting", "tekst": LETTER_NOTE},
    ]


TYPED_WITH_NOTE = ["41,0%", "42,5%", "44,1%", "47,3%", "45%", "", "39,8%"]


def test_a_target_that_is_a_note_is_not_judged_and_the_page_says_why(
    client: Client, policy_officer: User, concept_2024: Report, wide_table: Indicator
) -> None:
    client.force_login(policy_officer)
    _add_note(client, "A", LETTER_NOTE)
    data = dict(zip([f"{key}__totaal" for key in KEYS], TYPED_WITH_NOTE, strict=True))
    data |= {"begroot__totaal": "", "begroot__totaal__voetnoten": "A"}
    data |= {"version": str(wide_table.version), "plausible": "on"}
    assert client.post(STAFF, data).status_code == 302
    page = text_of(client.get(CHAPTER + "indicator/9.1/"))
    assert "Beoordeling 2024 onbekend" in page
    assert "de streefwaarde staat in een voetnoot, niet als getal" in page

    # Clearing the note too empties the cell; an unknown letter is refused, nothing lost.
    data |= {"begroot__totaal__voetnoten": "B", "version": str(wide_table.version + 1)}
    refused = client.post(STAFF, data)
    assert refused.status_code == 400
    assert "Voetnoot ‘B’ bestaat niet in dit hoofdstuk." in text_of(refused)
    assert IndicatorValue.objects.get(indicator=wide_table, kind="begroot").state == "note"
    data |= {"begroot__totaal__voetnoten": ""}
    assert client.post(STAFF, data).status_code == 302
    assert not IndicatorValue.objects.filter(indicator=wide_table, kind="begroot").exists()


def test_an_exported_table_with_a_lettered_note_imports_unchanged(
    client: Client, policy_officer: User, concept_2024: Report, wide_table: Indicator
) -> None:
    client.force_login(policy_officer)
    _add_note(client, "A", LETTER_NOTE)
    data = dict(zip([f"{key}__totaal" for key in KEYS], TYPED_WITH_NOTE, strict=True))
    data |= {"streefwaarde_2030__totaal__voetnoten": "A"}
    data |= {"version": str(wide_table.version), "plausible": "on"}
    assert client.post(STAFF, data).status_code == 302
    for fmt in ("csv", "xlsx"):
        template = client.get(f"{IMPORT}sjabloon-indicatoren.{fmt}").content
        response = upload(client, "indicatoren", template, f"sjabloon.{fmt}", url=IMPORT)
        assert "Er verandert niets" in text_of(response), fmt
    target = IndicatorValue.objects.get(indicator=wide_table, kind="streefwaarde")
    assert [note.mark for note in target.footnotes.all()] == ["A"]


def test_the_import_sets_notes_by_their_marks_and_a_letter_alone_stands_in_its_cell(
    client: Client, policy_officer: User, concept_2024: Report, wide_table: Indicator
) -> None:
    client.force_login(policy_officer)
    _add_note(client, "", "Voorlopig cijfer.")
    _add_note(client, "A", LETTER_NOTE)
    header = ["verslagjaar", "programma", "indicator", "kolom", "waarde", "voetnoten"]
    rows = [
        header,
        ["2024", "sociaal", "9.1", "realisatie", "47,3%", "1"],
        ["2024", "sociaal", "9.1", "streefwaarde_2030", "", "a"],
    ]
    preview = upload(client, "indicatoren", dutch_csv(rows), url=IMPORT)
    shown = text_of(preview)
    assert "sociaal · 9.1 · realisatie waarde: 47,3%; voetnoten: 1" in shown
    assert "sociaal · 9.1 · streefwaarde_2030 voetnoten: A" in shown
    confirm(client, preview, url=IMPORT)
    cells = {v.kind: v for v in IndicatorValue.objects.filter(indicator=wide_table)}
    assert [n.mark for n in cells["realisatie"].footnotes.all()] == ["1"]
    assert (
        cells["streefwaarde"].state,
        [n.mark for n in cells["streefwaarde"].footnotes.all()],
    ) == (
        "note",
        ["A"],
    )

    # An empty value never clears a stored figure; a mark the chapter lacks is named.
    rows = [
        header,
        ["2024", "sociaal", "9.1", "realisatie", "", "A"],
        ["2024", "sociaal", "9.1", "begroot", "45%", "B"],
    ]
    response = upload(client, "indicatoren", dutch_csv(rows), url=IMPORT)
    assert error_rows(response) == [
        (
            "3",
            "voetnoten",
            "Voetnoot ‘B’ bestaat niet in programma Sociaal. Voeg hem eerst toe op de "
            "pagina Voetnoten van het programma.",
        )
    ]
    rows.pop()
    preview = upload(client, "indicatoren", dutch_csv(rows), url=IMPORT)
    assert "Er verandert niets" in text_of(preview)


def test_a_note_that_stands_nowhere_can_be_removed_one_in_use_cannot(
    client: Client,
    policy_officer: User,
    controller: User,
    concept_2024: Report,
    wide_table: Indicator,
) -> None:
    client.force_login(policy_officer)
    _add_note(client, "", "Niet meer nodig.")
    _add_note(client, "A", LETTER_NOTE)
    data = dict(zip([f"{key}__totaal" for key in KEYS], TYPED_WITH_NOTE, strict=True))
    data |= {"streefwaarde_2030__totaal__voetnoten": "A", "version": str(wide_table.version)}
    assert client.post(STAFF, data).status_code == 302
    unused, used = Footnote.objects.filter(program__report=concept_2024).order_by("number")
    page = client.get(FOOTNOTES).content.decode()
    assert page.count(">Verwijderen<") == 1, "only the note that stands nowhere"

    remove = "/beheer/jaarstukken/2024/sociaal/voetnoot/{}/verwijder/"
    refused = client.post(remove.format(used.pk), {"version": "1"}, follow=True)
    assert "Voetnoot A is niet verwijderd: hij staat nog op 1 plek. Haal hem daar eerst weg." in (
        text_of(refused)
    )
    stale = client.post(remove.format(unused.pk), {"version": "0"}, follow=True)
    assert "Voetnoot 1 is niet verwijderd: iemand anders heeft hem intussen gewijzigd" in (
        text_of(stale)
    )
    done = client.post(remove.format(unused.pk), {"version": "1"}, follow=True)
    assert "Voetnoot 1 verwijderd." in text_of(done)
    assert [n.mark for n in Footnote.objects.filter(program__report=concept_2024)] == ["A"]

    # Once offered only whoever runs the cycle changes the report, and never by removing.
    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.OFFERED)
    IndicatorValue.objects.filter(indicator=wide_table, kind="streefwaarde").delete()
    assert client.post(remove.format(used.pk), {"version": "1"}).status_code == 403
    client.force_login(controller)
    offered = client.post(remove.format(used.pk), {"version": "1"}, follow=True)
    assert "Voetnoot A is niet verwijderd: Jaarstukken 2024 is aangeboden aan de raad." in (
        text_of(offered)
    )
    assert Footnote.objects.filter(pk=used.pk).exists()


def test_only_a_letter_stands_alone_in_a_cell_a_number_would_read_as_a_figure(
    client: Client, policy_officer: User, concept_2024: Report, wide_table: Indicator
) -> None:
    client.force_login(policy_officer)
    _add_note(client, "", "Voorlopig cijfer.")
    _add_note(client, "A", LETTER_NOTE)
    data = dict(zip([f"{key}__totaal" for key in KEYS], TYPED_WITH_NOTE, strict=True))
    data |= {"streefwaarde_2030__totaal__voetnoten": "1", "version": str(wide_table.version)}
    refused = client.post(STAFF, data)
    assert refused.status_code == 400
    assert "Zonder waarde kan alleen een voetnoot met een letter (zoals A) in de cel staan" in (
        text_of(refused)
    )
    assert not IndicatorValue.objects.filter(indicator=wide_table).exists()

    header = ["verslagjaar", "programma", "indicator", "kolom", "waarde", "voetnoten"]
    rows = [header, ["2024", "sociaal", "9.1", "streefwaarde_2030", "", "1"]]
    ((row, column, message),) = error_rows(
        upload(client, "indicatoren", dutch_csv(rows), url=IMPORT)
    )
    assert (row, column) == ("2", "voetnoten") and message.startswith("Zonder waarde kan alleen")

    # A letter that stands alone keeps its letter.
    data |= {"streefwaarde_2030__totaal__voetnoten": "A"}
    assert client.post(STAFF, data).status_code == 302
    letter = Footnote.objects.get(program__report=concept_2024, label="A")
    edit = f"/beheer/jaarstukken/2024/sociaal/voetnoot/{letter.pk}/"
    response = client.post(
        edit, {"label": "", "kind": "toelichting", "text": LETTER_NOTE, "version": "1"}
    )
    assert response.status_code == 400
    assert "Deze voetnoot staat in een cel in plaats van een cijfer" in text_of(response)
    letter.refresh_from_db()
    assert letter.mark == "A"


def test_the_open_data_holds_the_texts_behind_the_marks(
    client: Client, report_2023: Report
) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/jaarstukken/2023/sociaal/data.csv?tabel=voetnoten").content.decode()
            )
        )
    )
    assert rows[0] == {
        "verslagjaar": "2023",
        "programma": "sociaal",
        "teken": "1",
        "nummer": "1",
        "soort": "toelichting",
        "tekst": rows[0]["tekst"],
    }
    correction = next(r for r in rows if r["teken"] == "6")
    assert correction["soort"] == "correctie"
    assert correction["tekst"].startswith("Realisatie 2022 stond verkeerd in jaarstukken 2022.")
    # Every mark an indicator value names has its text in the table of notes.
    values = csv.DictReader(
        io.StringIO(client.get("/jaarstukken/2023/sociaal/data.csv").content.decode())
    )
    named = {mark.strip() for v in values for mark in v["voetnoten"].split(",") if mark.strip()}
    assert named and named <= {r["teken"] for r in rows}
    document = json.loads(client.get("/jaarstukken/2023/sociaal/data.json").content)
    assert [r["teken"] for r in document["voetnoten"]] == [r["teken"] for r in rows]
