"""Importing budget lines, investments or indicator values from a spreadsheet into one report.

Three steps, so nothing is stored that nobody has seen:

1. read and validate the WHOLE file first (lib.spreadsheets for CSV and XLSX,
   the shared Dutch parsers for numbers and values): every wrong row comes
   back with its row number, its column and a Dutch message;
2. show a preview: what will be added, what changed (old and new) and what is
   left alone;
3. on confirmation, write all of it or nothing in one transaction: each row through
   full_clean(), budget lines and investments then in bulk with simple_history's bulk
   helpers and indicator values through the indicator service, so the change history
   records every row and names the importer.

The preview and the confirmation are staff pages: see import_views.py.

Rows are matched by their codes: budget lines by program, nature, kind and
description; investments by program and credit number; indicator values by
program, indicator code, column and optional component. Nothing is ever
deleted: what the file does not mention is left alone, and an unchanged row
is not written, so importing the same file twice changes nothing the second
time. An empty indicator value leaves the stored value alone.

Amounts are read in the report's unit (Report.money_unit), as the templates and
the open data give them: a report in thousands reads "-25.414" as -25.414.000
euros and refuses decimals; a file whose column "eenheid" names another unit is
refused rather than read a thousand times too large or too small.
"""

import hashlib
import json
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal, overload

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from diemen_sociaal.lib import spreadsheets
from diemen_sociaal.lib.costs import ACCOUNT_COLUMNS, ESTIMATES, Amounts
from diemen_sociaal.lib.dutch import (
    DutchDateError,
    DutchNumberError,
    format_date,
    format_euros,
    parse_date,
    parse_number,
)
from diemen_sociaal.lib.values import (
    NOTE_ONLY,
    InvalidValue,
    Value,
    ValueState,
    format_value,
    parse_value,
)
from indicators import plausibility
from indicators.columns import ColumnSpec, columns_of, table_columns
from indicators.models import (
    ALONE_IN_CELL,
    Footnote,
    Indicator,
    IndicatorComponent,
    IndicatorValue,
    ValueKind,
    marks_of,
)
from indicators.plausibility import holds_percentages
from indicators.services import CellInput, save_indicator_values
from investments.models import (
    BudgetKind,
    BudgetLine,
    BudgetNature,
    Investment,
    InvestmentStatus,
    PrintedFigure,
    Taakveld,
)
from programs.models import (
    FrozenReportError,
    Program,
    Report,
    ReportStatus,
    frozen_message,
    offered_message,
)
from programs.rules import may_import_indicator_values, may_import_into, may_import_money
from programs.services import Conflict
from readmodel import datarows

logger = logging.getLogger(__name__)

BUDGET, INVESTMENTS, INDICATORS = datarows.BUDGET, datarows.INVESTMENTS, datarows.INDICATORS
# The BBV policy indicators as waarstaatjegemeente.nl gives them: by catalogue number.
BBV = "bbv"
MONEY_KINDS = (BUDGET, INVESTMENTS)
AMOUNTS = ACCOUNT_COLUMNS
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# Amounts beyond a trillion euros are a typing error in a municipal budget.
MAX_AMOUNT = 10**12

ADD, CHANGE, SAME = "toevoegen", "wijzigen", "ongewijzigd"
# A row whose stored item a colleague changed after the template was downloaded: the preview
# shows both values and the importer chooses; unchosen, the stored value stays.
CONFLICT = "conflict"
# The value is read from "waarde" (the display text) with the shared parser; the other
# value columns of the download (getal, staat, ...) are for readers and are not imported.
INDICATOR_REQUIRED = ("verslagjaar", "programma", "indicator", "kolom", "waarde")
# "bij_download": the value as the template was downloaded. A row whose stored value has
# changed since (a colleague's edit) is a conflict the importer decides, never an ordinary
# change that would silently undo that edit.
# "over_jaar", "peildatum" and "bron": the year a figure is about when not the column's,
# the day it was counted, and its own source; a file without these columns leaves them
# as they are.
# "voetnoten": the marks of the chapter's notes on the figure ("3, A"); with an empty
# "waarde" the note stands in the cell instead of a figure. Absent: the marks stay.
INDICATOR_OPTIONAL = (
    "onderdeel",
    "jaar",
    "bij_download",
    "voetnoten",
    "over_jaar",
    "peildatum",
    "bron",
)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # "begrotingsregels", as in "U mag geen begrotingsregels importeren"
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # Columns of the download that are shown for reading but never imported.
    informative: tuple[str, ...] = ()
    template: tuple[str, ...] = ()
    # Template columns only a Programmabegroting has (its multi-year estimate).
    budget_only: tuple[str, ...] = ()

    @property
    def known(self) -> tuple[str, ...]:
        return self.required + self.optional + self.informative

    def template_for(self, report: Report) -> tuple[str, ...]:
        if report.is_budget:
            return self.template
        return tuple(c for c in self.template if c not in self.budget_only)


KINDS: dict[str, Kind] = {
    BUDGET: Kind(
        name=BUDGET,
        label="begrotingsregels",
        required=("verslagjaar", "programma", "aard", "soort", "omschrijving", *AMOUNTS),
        # The multi-year estimate is a Programmabegroting's; a file without it leaves it be.
        optional=("taakveld", "eenheid", "budgetresultaat", *ESTIMATES, "toelichting", "versie"),
        informative=("afwijking",),
        template=(
            "verslagjaar",
            "programma",
            "aard",
            "soort",
            "omschrijving",
            "taakveld",
            "eenheid",
            *AMOUNTS,
            *ESTIMATES,
            "toelichting",
            "versie",
        ),
        budget_only=ESTIMATES,
    ),
    INVESTMENTS: Kind(
        name=INVESTMENTS,
        label="investeringen",
        required=(
            "verslagjaar",
            "programma",
            "kredietnummer",
            "naam",
            "budget",
            "realisatie",
            "status",
        ),
        optional=("eenheid", "toelichting", "vrije_ruimte", "versie"),
        informative=("status_omschrijving",),
        template=(
            "verslagjaar",
            "programma",
            "kredietnummer",
            "naam",
            "eenheid",
            "budget",
            "realisatie",
            "status",
            "toelichting",
            "versie",
        ),
    ),
    INDICATORS: Kind(
        name=INDICATORS,
        label="indicatorwaarden",
        required=INDICATOR_REQUIRED,
        optional=INDICATOR_OPTIONAL,
        informative=tuple(
            c
            for c in datarows.COLUMNS[INDICATORS]
            if c not in INDICATOR_REQUIRED + INDICATOR_OPTIONAL
        ),
        template=(
            "verslagjaar",
            "programma",
            "indicator",
            "naam",
            "onderdeel",
            "kolom",
            "jaar",
            "waarde",
            "voetnoten",
            "over_jaar",
            "peildatum",
            "bron",
            "bij_download",
        ),
    ),
    BBV: Kind(
        name=BBV,
        label="BBV-beleidsindicatoren",
        required=("bbv", "gebied", "periode", "waarde"),
        optional=("bron",),
        template=("bbv", "gebied", "periode", "waarde", "bron"),
    ),
}


class ImportRefused(Exception):
    """An import that may not or cannot be written; the message is Dutch, for the user."""


@dataclass(frozen=True)
class RowError:
    row: int  # the row number in the file; 1 is the header
    column: str
    message: str


@dataclass
class Change:
    row: int
    action: str  # ADD, CHANGE, SAME or CONFLICT
    key: str  # how a person recognises the row: "sociaal · 760124"
    # (column, stored, new) as shown in the preview: every column for an addition,
    # only the differing ones for a change.
    fields: list[tuple[str, str, str]]
    program: Program
    target: Any = None  # the stored row, None for an addition
    data: dict[str, Any] = field(default_factory=dict)
    # A budget line's result as the file printed it, where rounding made it differ from
    # the difference of its rounded amounts (a report in thousands): kept as printed.
    printed_result: int | None = None
    # For a conflict: what the file says the row was at its download.
    downloaded: str = ""
    # Why a new figure looks like a typing error (indicators.plausibility: a jump from the
    # year before, out of the indicator's range); stored only when the importer confirms.
    doubts: list[str] = field(default_factory=list)


@dataclass
class Plan:
    report: Report
    kind: Kind
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    stored: int = 0  # rows of this kind the report holds now
    # Why the doubted figures are right, as the importer wrote when confirming.
    check_note: str = ""

    def of(self, action: str) -> list[Change]:
        return [c for c in self.changes if c.action == action]

    @property
    def to_write(self) -> list[Change]:
        return [c for c in self.changes if c.action != SAME]

    @property
    def untouched(self) -> int:
        """Stored rows the file does not mention: they stay as they are."""
        return self.stored - len([c for c in self.changes if c.target is not None])

    def resolve(self, taken: Collection[int]) -> None:
        """The importer's choice per conflict: the rows in `taken` (by row number) take the
        file's value; every other conflict keeps what is stored."""
        self.changes = [
            replace(c, action=CHANGE if c.row in taken else SAME) if c.action == CONFLICT else c
            for c in self.changes
        ]

    @property
    def doubted(self) -> list[Change]:
        """The changes to write whose figures look implausible: confirmed with a reason."""
        return [c for c in self.to_write if c.doubts]

    @property
    def digest(self) -> str:
        """What the preview promised: the same changes give the same digest."""
        shown = [(c.action, c.key, c.fields) for c in self.to_write]
        return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()


# Who may import what ----------------------------------------------------------------------


def allowed_kinds(user: Any) -> list[str]:
    """The kinds this person may import at all (the rules are in rules.py)."""
    return [
        kind
        for kind in (BUDGET, INVESTMENTS, INDICATORS, BBV)
        if (may_import_money if kind in MONEY_KINDS else may_import_indicator_values)(user)
    ]


def may_edit(user: Any, kind: str, program: Program) -> bool:
    return may_import_into(user, program, money=kind in MONEY_KINDS)


# Validation -------------------------------------------------------------------------------


def normalise_column(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def check_header(header: list[str], kind: Kind) -> list[RowError]:
    errors = []
    seen: set[str] = set()
    for position, raw in enumerate(header, start=1):
        name = normalise_column(raw)
        if not name:
            errors.append(RowError(1, f"kolom {position}", "Deze kolom heeft geen naam."))
        elif name in seen:
            errors.append(RowError(1, raw, f"De kolom ‘{raw}’ staat twee keer in het bestand."))
        elif name not in kind.known:
            errors.append(
                RowError(
                    1,
                    raw,
                    f"Onbekende kolom ‘{raw}’. Gebruik de kolommen van het sjabloon: "
                    f"{', '.join(kind.template)}.",
                )
            )
        seen.add(name)
    for name in kind.required:
        if name not in seen:
            errors.append(RowError(1, name, f"De kolom ‘{name}’ ontbreekt."))
    return errors


class RowProblem(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


class Validator:
    """Checks rows of one kind against one report; collects changes and errors."""

    kind: Kind

    def __init__(self, report: Report, user: Any) -> None:
        self.report = report
        self.user = user
        self.programs = {p.slug: p for p in report.programs.all()}
        for program in self.programs.values():
            program.report = report
        self.allowed: dict[int, bool] = {}
        self.seen: dict[Any, int] = {}
        self.load()

    def load(self) -> None:
        """Read what is stored, once, so that every row is checked without a query."""

    @property
    def stored_count(self) -> int:
        return 0

    def check(self, number: int, record: dict[str, str]) -> Change:
        raise NotImplementedError

    # Shared checks; each raises RowProblem with the column and a Dutch message.

    def program(self, record: dict[str, str]) -> Program:
        year = record["verslagjaar"]
        if year != str(self.report.year):
            raise RowProblem(
                "verslagjaar",
                f"Verkeerd jaar: deze regel hoort bij {year or '(leeg)'}, dit is "
                f"{self.report.title}.",
            )
        slug = record["programma"].lower()
        program = self.programs.get(slug)
        if program is None:
            known = ", ".join(self.programs) or "(geen)"
            raise RowProblem(
                "programma",
                f"Onbekend programma ‘{record['programma']}’ in {self.report.title}; "
                f"bekend zijn: {known}.",
            )
        if program.pk not in self.allowed:
            self.allowed[program.pk] = may_edit(self.user, self.kind.name, program)
        if not self.allowed[program.pk]:
            raise RowProblem(
                "programma",
                f"U mag de {self.kind.label} van {program.in_sentence} niet wijzigen.",
            )
        return program

    def unique(self, key: Any, number: int, column: str, what: str) -> None:
        first = self.seen.setdefault(key, number)
        if first != number:
            raise RowProblem(column, f"Dubbele regel: {what} staat ook al in rij {first}.")

    @overload
    def amount(
        self, record: dict[str, str], column: str, *, required: Literal[True] = True
    ) -> int: ...

    @overload
    def amount(self, record: dict[str, str], column: str, *, required: bool) -> int | None: ...

    def amount(self, record: dict[str, str], column: str, *, required: bool = True) -> int | None:
        """An amount in the report's unit (see the column eenheid), returned in whole euros."""
        unit = self.report.unit
        text = record.get(column, "")
        if not text:
            if not required:
                return None
            raise RowProblem(column, f"Vul een bedrag in {unit.words} in (0 als het nul is).")
        if not text.replace("€", "").strip():
            raise RowProblem(
                column, f"‘{text}’ is geen bedrag; laat de cel leeg als het er nog niet is."
            )
        try:
            number, _decimals = parse_number(text.replace("€", "").strip())
        except DutchNumberError as error:
            raise RowProblem(column, str(error)) from error
        if number != number.to_integral_value():
            raise RowProblem(column, self.not_whole(text))
        if abs(number) * unit.euros >= MAX_AMOUNT:
            raise RowProblem(column, f"‘{text}’ is te groot voor een bedrag.")
        return int(number) * unit.euros

    def not_whole(self, text: str) -> str:
        unit = self.report.unit
        if unit.euros == 1:
            return (
                f"‘{text}’ heeft centen (de komma is het decimaalteken); bedragen worden in "
                "hele euro's ingelezen."
            )
        return (
            f"‘{text}’ heeft decimalen (de komma is het decimaalteken); de bedragen van "
            f"{self.report.title} zijn in {unit.words} ({unit.label}) en worden als hele "
            f"getallen ingelezen, bijvoorbeeld {unit.example} voor "
            f"{format_euros(1234 * unit.euros)}."
        )

    def unit_stated(self, record: dict[str, str]) -> None:
        """A file that says its amounts are in another unit than the report's is refused."""
        stated = record.get("eenheid", "").strip().lower()
        unit = self.report.unit
        if stated and stated != unit.code:
            raise RowProblem(
                "eenheid",
                f"Dit bestand geeft bedragen in ‘{stated}’; {self.report.title} heeft bedragen "
                f"in {unit.words} ({unit.code}). Reken de bedragen om of download een nieuw "
                "sjabloon.",
            )

    @staticmethod
    def text(record: dict[str, str], column: str, max_length: int) -> str:
        value = record.get(column, "")
        if not value:
            raise RowProblem(column, f"Vul de kolom ‘{column}’ in.")
        if len(value) > max_length:
            raise RowProblem(column, f"Hoogstens {max_length} tekens.")
        return value

    def computed(
        self, record: dict[str, str], column: str, expected: int | None, formula: str
    ) -> None:
        """A computed column may be left in the file, but must agree with the row.

        `expected` is None when a term is empty: then the column must be empty too. In a
        unit above whole euros the printed difference of two rounded amounts may be one
        unit off (half a unit per term), as a download of a printed budget result is.
        """
        found = self.amount(record, column, required=False)
        allowance = self.report.unit.allowance(2)
        if found is None or (expected is not None and abs(found - expected) <= allowance):
            return
        unit = self.report.unit
        found, expected = unit.of(found), unit.of(expected)
        if expected is None:
            raise RowProblem(
                column,
                f"{column} wordt berekend ({formula}) en is leeg zolang een van beide leeg is; "
                f"het bestand zegt {found}. Maak deze kolom leeg of vul de bedragen in.",
            )
        raise RowProblem(
            column,
            f"{column} wordt berekend ({formula} = {expected}) en wordt niet ingelezen; "
            f"het bestand zegt {found}. Pas de bedragen aan, niet deze kolom.",
        )

    @staticmethod
    def compare(
        target: Any, new: dict[str, Any], show: Callable[[str, Any], str]
    ) -> list[tuple[str, str, str]]:
        fields = []
        for name, value in new.items():
            old = getattr(target, name) if target is not None else None
            if target is None or old != value:
                column = COLUMN_NAMES.get(name, name)
                fields.append(
                    (column, "" if target is None else show(name, old), show(name, value))
                )
        return fields


# The file's (Dutch) column of a model field, for the preview.
COLUMN_NAMES = {
    "name": "naam",
    "realised": "realisatie",
    "explanation": "toelichting",
    "taakveld_id": "taakveld",
}


def _is_stale(record: dict[str, str], target: Any, fields: list[Any]) -> bool:
    """Whether a row would change what a colleague saved after the template was downloaded
    ("versie" is the row's version then): importing it as it is would undo their edit."""
    downloaded = record.get("versie", "").strip()
    if not downloaded or target is None or not fields:
        return False
    if not downloaded.isdigit():
        raise RowProblem("versie", "Laat de kolom versie staan zoals het sjabloon hem gaf.")
    return int(downloaded) < target.version


def _version_note(record: dict[str, str], target: Any) -> str:
    return f"versie {record['versie'].strip()} bij uw download, nu versie {target.version}"


def _show_money(name: str, value: Any) -> str:
    if value is None:
        return "(leeg)"
    return format_euros(value) if isinstance(value, int) else str(value)


def _choice(text: str, choices: Any, column: str) -> str:
    """A choice by its code or its label, in any case: "lasten", "Lasten"."""
    wanted = text.strip().lower()
    for value, label in choices.choices:
        if wanted in (value.lower(), label.lower()):
            return value
    options = ", ".join(value for value, _ in choices.choices)
    raise RowProblem(column, f"Onbekende waarde ‘{text}’; kies uit {options}.")


class BudgetValidator(Validator):
    kind = KINDS[BUDGET]

    def load(self) -> None:
        lines = BudgetLine.objects.filter(program__report=self.report)
        self.lines = {(b.program_id, b.nature, b.kind, b.label): b for b in lines}
        # The taakvelden by code: of the newest list, and those lines are booked on now.
        latest = Taakveld.objects.order_by("-version").values_list("version", flat=True).first()
        self.taakvelden = {
            t.code: t
            for t in Taakveld.objects.filter(
                Q(version=latest) | Q(pk__in=[b.taakveld_id for b in lines if b.taakveld_id])
            ).order_by("version")
        }
        self.taakveld_codes = {t.pk: t.code for t in self.taakvelden.values()}

    def taakveld(self, record: dict[str, str]) -> dict[str, Any]:
        """The line's taakveld by its code, when the file has the column; empty is none."""
        if "taakveld" not in record:
            return {}
        code = record["taakveld"].strip()
        if not code:
            return {"taakveld_id": None}
        found = self.taakvelden.get(code)
        if found is None:
            raise RowProblem(
                "taakveld",
                f"Onbekend taakveld ‘{code[:20]}’; gebruik een code van de lijst, zoals 6.71.",
            )
        return {"taakveld_id": found.pk}

    @property
    def stored_count(self) -> int:
        return len(self.lines)

    def check(self, number: int, record: dict[str, str]) -> Change:
        program = self.program(record)
        nature = _choice(record["aard"], BudgetNature, "aard")
        kind = _choice(record["soort"], BudgetKind, "soort")
        label = self.text(record, "omschrijving", 200)
        self.unit_stated(record)
        # An empty cell is an amount not yet known, stored empty; 0 is nil.
        amounts = {
            column: self.amount(record, column, required=False)
            for column in (*AMOUNTS, *ESTIMATES)
            if column in AMOUNTS or column in record
        }
        booked = self.taakveld(record)
        if "toelichting" in record:
            booked["explanation"] = record["toelichting"].strip()
        result = Amounts(**amounts).budgetresultaat
        self.computed(record, "budgetresultaat", result, "rekening − begroting_totaal")
        printed = self.amount(record, "budgetresultaat", required=False)
        key = (program.pk, nature, kind, label)
        self.unique(key, number, "omschrijving", "dezelfde begrotingsregel")
        target = self.lines.get(key)
        data = {"nature": nature, "kind": kind, "label": label, **amounts, **booked}
        codes = self.taakveld_codes

        def show(name: str, value: Any) -> str:
            if name == "taakveld_id":
                return codes.get(value, "(leeg)") if value else "(leeg)"
            return _show_money(name, value)

        fields = self.compare(target, {**amounts, **booked}, show)
        stale = _is_stale(record, target, fields)
        return Change(
            row=number,
            action=ADD if target is None else CONFLICT if stale else CHANGE if fields else SAME,
            downloaded=_version_note(record, target) if stale else "",
            key=f"{program.slug} · {label} ({nature}, {kind})",
            fields=fields,
            program=program,
            target=target,
            data=data,
            printed_result=printed if printed != result else None,
        )


class InvestmentValidator(Validator):
    kind = KINDS[INVESTMENTS]

    def load(self) -> None:
        items = Investment.objects.filter(program__report=self.report)
        self.items = {(i.program_id, i.number): i for i in items}

    @property
    def stored_count(self) -> int:
        return len(self.items)

    def check(self, number: int, record: dict[str, str]) -> Change:
        program = self.program(record)
        credit = self.text(record, "kredietnummer", 20)
        self.unit_stated(record)
        data: dict[str, Any] = {
            "number": credit,
            "name": self.text(record, "naam", 300),
            "budget": self.amount(record, "budget"),
            "realised": self.amount(record, "realisatie", required=False),
            "status": _choice(record["status"], InvestmentStatus, "status"),
        }
        if "toelichting" in record:
            data["explanation"] = record["toelichting"]
        free_room = None if data["realised"] is None else data["budget"] - data["realised"]
        self.computed(record, "vrije_ruimte", free_room, "budget − realisatie")
        key = (program.pk, credit)
        self.unique(key, number, "kredietnummer", f"krediet {credit}")
        target = self.items.get(key)
        shown = {name: value for name, value in data.items() if name != "number"}
        fields = self.compare(target, shown, _show_money)
        stale = _is_stale(record, target, fields)
        return Change(
            row=number,
            action=ADD if target is None else CONFLICT if stale else CHANGE if fields else SAME,
            downloaded=_version_note(record, target) if stale else "",
            key=f"{program.slug} · {credit} {data['name']}",
            fields=fields,
            program=program,
            target=target,
            data=data,
        )


class IndicatorValidator(Validator):
    kind = KINDS[INDICATORS]

    def load(self) -> None:
        indicators = (
            Indicator.objects.filter(table__program__report=self.report)
            .select_related("table__goal")
            .prefetch_related("table__column_defs")
        )
        self.indicators = {(i.table.program_id, i.code): i for i in indicators}
        # Each table's columns by key: what "kolom" may name for its indicators.
        self.columns: dict[int, dict[str, ColumnSpec]] = {
            i.table_id: {
                spec.key: spec
                for spec in table_columns(i.table, self.report.year, budget=self.report.is_budget)
            }
            for i in indicators
        }
        found = list(self.indicators.values())
        components = IndicatorComponent.objects.filter(indicator__in=found)
        self.components: dict[int, dict[str, IndicatorComponent]] = defaultdict(dict)
        for component in components:
            self.components[component.indicator_id][component.label] = component
        values = IndicatorValue.objects.filter(indicator__in=found).prefetch_related("footnotes")
        self.values = {(v.indicator_id, v.component_id, v.year, v.kind, v.area): v for v in values}
        # Per program: its notes by the mark the report shows them with ("4", "A").
        self.notes: dict[int, dict[str, Footnote]] = defaultdict(dict)
        for note in Footnote.objects.filter(program__report=self.report):
            self.notes[note.program_id][note.mark.upper()] = note

    @property
    def stored_count(self) -> int:
        return len(self.values)

    def check(self, number: int, record: dict[str, str]) -> Change:
        program = self.program(record)
        # A code typed into Excel as a number comes back as "3,1"; codes only have points.
        code = record["indicator"].replace(",", ".")
        indicator = self.indicators.get((program.pk, code))
        if indicator is None:
            raise RowProblem(
                "indicator",
                f"Onbekende indicator ‘{record['indicator']}’ in {program.in_sentence}.",
            )
        component = self.component(indicator, record.get("onderdeel", ""))
        column = record["kolom"].strip().lower()
        columns = self.columns[indicator.table_id]
        if column not in columns:
            raise RowProblem(
                "kolom",
                f"Onbekende kolom ‘{record['kolom']}’ in de tabel van {indicator.code}; kies "
                f"uit {', '.join(columns)}.",
            )
        spec = columns[column]
        year, value_kind = spec.year, spec.value_kind
        if record.get("jaar") and record["jaar"] != str(year):
            raise RowProblem(
                "jaar",
                f"Verkeerd jaar: kolom {column} van {self.report.title} gaat over {year}, "
                f"niet over {record['jaar']}.",
            )
        part = f" ({component.label})" if component else ""
        key = f"{program.slug} · {indicator.code}{part} · {column}"
        self.unique(
            (indicator.pk, component.pk if component else None, column),
            number,
            "indicator",
            f"de waarde van {indicator.code}{part} in kolom {column}",
        )
        stored = self.values.get((indicator.pk, component.pk if component else None, *spec.cell))
        notes = self.footnotes(record, program, stored)
        holds_figure = stored is not None and stored.state != ValueState.NOTE
        if not record["waarde"] and (not notes or holds_figure or "voetnoten" not in record):
            # An empty cell in the file leaves the stored value as it is.
            return Change(number, SAME, key, [], program, target=stored)
        if not record["waarde"]:
            # Only a note's mark, where no figure is stored: it stands in the cell, if it is a
            # letter (a number there would read as a figure).
            if any(not note.label for note in notes):
                raise RowProblem("voetnoten", ALONE_IN_CELL)
            value = NOTE_ONLY
        else:
            try:
                value = parse_value(record["waarde"])
            except InvalidValue as error:
                raise RowProblem("waarde", str(error)) from error
        period_year = self.period_year(record, year, value_kind, stored)
        reference_date = self.reference_date(record, value_kind, stored)
        source = self.source(record, indicator, stored)
        old = stored.display if stored else ""
        new = format_value(value)
        downloaded = record.get("bij_download")
        stale = downloaded is not None and _canonical(downloaded) != old and new != old
        refused = plausibility.refusal(indicator, value) if new != old else None
        if refused:
            raise RowProblem("waarde", refused)
        doubts = self.doubts(indicator, component, spec, value) if new != old else []
        fields = [] if old == new else [("waarde", old, new)]
        if stored is not None and stored.period_year != period_year:
            fields.append(("over_jaar", str(stored.period_year or ""), str(period_year or "")))
        if stored is not None and stored.reference_date != reference_date:
            fields.append(
                ("peildatum", _dutch_date(stored.reference_date), _dutch_date(reference_date))
            )
        if stored is not None and stored.source != source:
            fields.append(("bron", stored.source, source))
        stored_marks = ", ".join(marks_of(stored.footnotes.all())) if stored else ""
        new_marks = ", ".join(marks_of(notes))
        if stored is not None and stored_marks != new_marks:
            fields.append(("voetnoten", stored_marks, new_marks))
        return Change(
            row=number,
            action=ADD if stored is None else CONFLICT if stale else CHANGE if fields else SAME,
            downloaded=f"bij uw download ‘{downloaded or 'leeg'}’" if stale else "",
            key=key,
            fields=fields
            if stored is not None
            else ([("waarde", "", new)] if new else [])
            + ([("voetnoten", "", new_marks)] if notes else []),
            program=program,
            target=stored,
            doubts=doubts,
            data={
                "indicator": indicator,
                "component": component,
                "column": column,
                "value": value,
                "period_year": period_year,
                "reference_date": reference_date,
                "source": source,
                "footnotes": tuple(note.number for note in notes),
            },
        )

    def footnotes(
        self, record: dict[str, str], program: Program, stored: IndicatorValue | None
    ) -> list[Footnote]:
        """ "voetnoten": the notes on the figure by their marks; absent keeps them."""
        if "voetnoten" not in record:
            return list(stored.footnotes.all()) if stored else []
        known = self.notes[program.pk]
        found = []
        for part in record["voetnoten"].replace(";", ",").split(","):
            mark = part.strip()
            if not mark:
                continue
            note = known.get(str(int(mark)) if mark.isdigit() else mark.upper())
            if note is None:
                raise RowProblem(
                    "voetnoten",
                    f"Voetnoot ‘{mark[:10]}’ bestaat niet in {program.in_sentence}. Voeg hem "
                    "eerst toe op de pagina Voetnoten van het programma.",
                )
            found.append(note)
        return found

    def doubts(
        self,
        indicator: Indicator,
        component: IndicatorComponent | None,
        spec: ColumnSpec,
        value: Value,
    ) -> list[str]:
        """As the edit form asks: a jump from the stored figure of the year before, or a
        figure outside the indicator's range."""
        earlier = self.values.get(
            (
                indicator.pk,
                component.pk if component else None,
                spec.year - 1,
                spec.value_kind,
                spec.area,
            )
        )
        what = "de realisatie" if spec.value_kind == ValueKind.REALISATION else "het doel"
        return plausibility.doubts(
            indicator, value, earlier.as_value() if earlier else None, spec.year - 1, what
        )

    @staticmethod
    def period_year(
        record: dict[str, str], year: int, kind: str, stored: IndicatorValue | None
    ) -> int | None:
        """ "over_jaar": a realisation's figure about an earlier year; absent keeps it."""
        if "over_jaar" not in record:
            return stored.period_year if stored else None
        text = record["over_jaar"].strip()
        if not text or text == str(year):
            return None
        if kind != ValueKind.REALISATION:
            raise RowProblem("over_jaar", "Alleen een realisatie kan over een ander jaar gaan.")
        if not text.isdigit() or not year - 10 <= int(text) < year:
            raise RowProblem(
                "over_jaar",
                f"‘{text}’ is geen jaar tussen {year - 10} en {year}: het jaar waarover het "
                "cijfer gaat, als dat niet het jaar van de kolom is.",
            )
        return int(text)

    @staticmethod
    def reference_date(
        record: dict[str, str], kind: str, stored: IndicatorValue | None
    ) -> date | None:
        """ "peildatum": the day a realisation was counted; absent keeps it."""
        if "peildatum" not in record:
            return stored.reference_date if stored else None
        text = record["peildatum"].strip()
        if not text:
            return None
        if kind != ValueKind.REALISATION:
            raise RowProblem("peildatum", "Alleen een realisatie heeft een peildatum.")
        try:
            return parse_date(text)
        except DutchDateError as error:
            raise RowProblem("peildatum", str(error)) from error

    @staticmethod
    def source(record: dict[str, str], indicator: Indicator, stored: IndicatorValue | None) -> str:
        """ "bron": the figure's own source; the indicator's own (as downloaded) is none."""
        if "bron" not in record:
            return stored.source if stored else ""
        text = record["bron"].strip()
        if len(text) > 200:
            raise RowProblem("bron", "Een bron is hoogstens 200 tekens.")
        return "" if text == indicator.source else text

    def component(self, indicator: Indicator, label: str) -> IndicatorComponent | None:
        if not label:
            return None
        parts = self.components.get(indicator.pk, {})
        found = parts.get(label) or next(
            (c for name, c in parts.items() if name.lower() == label.lower()), None
        )
        if found is None:
            known = ", ".join(parts) or "geen onderdelen"
            raise RowProblem(
                "onderdeel",
                f"Onbekend onderdeel ‘{label}’ bij indicator {indicator.code} "
                f"(die heeft: {known}).",
            )
        return found


class BbvValidator(Validator):
    """A file of BBV figures, as made from waarstaatjegemeente.nl: per row the catalogue
    number, the area (the municipality itself, Nederland, a region), the period and the value.

    Each row is the cell of the report's indicator that is linked to that catalogue entry, in
    the column of that area: the municipality's realisation of the period's year (or, when the
    table has none for it, of the report's year, marked as being about the period's year), or
    the comparison column of the area. Then it is checked and shown as an indicator value
    (IndicatorValidator), so preview, conflicts and writing are the same. The period is kept
    as its year: "1 maart 2024" is 2024. A percentage indicator's plain numbers are
    percentages, as the catalogue's unit says.
    """

    kind = KINDS[BBV]

    def load(self) -> None:
        self.inner = IndicatorValidator(self.report, self.user)
        linked = (
            Indicator.objects.filter(table__program__report=self.report, bbv__isnull=False)
            .select_related("bbv", "table__program__report")
            .prefetch_related("table__column_defs")
            .order_by("pk")
        )
        self.by_number: dict[int, list[Indicator]] = defaultdict(list)
        for indicator in linked:
            assert indicator.bbv is not None
            self.by_number[indicator.bbv.number].append(indicator)
        name = settings.MUNICIPALITY_NAME.strip().lower()
        self.own_names = {"", name, name.removeprefix("gemeente ").strip()}

    @property
    def stored_count(self) -> int:
        return self.inner.stored_count

    def check(self, number: int, record: dict[str, str]) -> Change:
        indicator = self.indicator(record["bbv"])
        year = self.period(record["periode"])
        spec = self.column(indicator, record["gebied"].strip(), year)
        # A period that names its day ("peildatum 1 maart 2024") keeps it with the figure.
        counted = self.day(record["periode"])
        value = record["waarde"].strip()
        if value and holds_percentages(indicator) and re.fullmatch(r"-?[\d.]+(,\d+)?", value):
            value += "%"
        translated = {
            "verslagjaar": str(self.report.year),
            "programma": indicator.table.program.slug,
            "indicator": indicator.code,
            "kolom": spec.key,
            "waarde": value,
            "over_jaar": str(year) if year != spec.year else "",
            "peildatum": counted.isoformat() if counted else "",
        }
        if "bron" in record:
            translated["bron"] = record["bron"]
        return self.inner.check(number, translated)

    def indicator(self, text: str) -> Indicator:
        found = self.by_number.get(int(text)) if text.strip().isdigit() else None
        if not found:
            raise RowProblem(
                "bbv",
                f"Geen indicator in {self.report.title} hoort bij BBV-indicator ‘{text[:20]}’. "
                "Koppel de indicator aan de BBV-lijst op de opbouwpagina van het programma.",
            )
        if len(found) > 1:
            codes = ", ".join(i.code for i in found)
            raise RowProblem(
                "bbv",
                f"Meer dan één indicator hoort bij BBV-indicator {text} ({codes}); koppel er één.",
            )
        return found[0]

    @staticmethod
    def period(text: str) -> int:
        years = re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", text)
        if not years:
            raise RowProblem(
                "periode",
                f"‘{text[:40]}’ noemt geen jaar. Schrijf het jaar of de peildatum, zoals 2023 of "
                "1 maart 2024.",
            )
        return int(years[-1])

    @staticmethod
    def day(text: str) -> date | None:
        """The day a period names, if it names one; a year or "2022-2023" names none."""
        try:
            return parse_date(text)
        except DutchDateError:
            return None

    def column(self, indicator: Indicator, area: str, year: int) -> ColumnSpec:
        specs = columns_of(indicator.table)
        if area.lower() in self.own_names:
            own = [s for s in specs if s.value_kind == ValueKind.REALISATION and not s.area]
            # Its own year's column; or last year's figure standing in this year's column
            # (not yet published for this year), as Diemen's "Aantal betreft 2022" does.
            fitting = [s for s in own if s.year == year] or [
                s for s in own if s.year == self.report.year and year == s.year - 1
            ]
            if not fitting:
                raise RowProblem(
                    "periode",
                    f"De tabel van indicator {indicator.code} heeft geen kolom voor een "
                    f"realisatie over {year}.",
                )
            return fitting[0]
        theirs = [s for s in specs if s.area.lower() == area.lower()]
        if not theirs:
            areas = sorted({s.area for s in specs if s.area}) or ["geen"]
            raise RowProblem(
                "gebied",
                f"De tabel van indicator {indicator.code} heeft geen kolom voor ‘{area[:40]}’ "
                f"(vergelijkingen: {', '.join(areas)}).",
            )
        return next((s for s in theirs if s.year == year), theirs[0])


VALIDATORS: dict[str, type[Validator]] = {
    BUDGET: BudgetValidator,
    INVESTMENTS: InvestmentValidator,
    INDICATORS: IndicatorValidator,
    BBV: BbvValidator,
}


def build_plan(*, report: Report, kind: str, table: spreadsheets.Table, user: Any) -> Plan:
    """Validate every row of `table` and work out what importing it would change."""
    spec = KINDS[kind]
    plan = Plan(report=report, kind=spec)
    plan.errors = check_header(table.header, spec)
    if plan.errors:
        return plan
    if not table.rows:
        plan.errors.append(RowError(1, "", "Het bestand heeft alleen een kopregel en geen regels."))
        return plan
    columns = [normalise_column(name) for name in table.header]
    validator = VALIDATORS[kind](report, user)
    plan.stored = validator.stored_count
    for number, cells in table.rows:
        if any(cells[len(columns) :]):
            plan.errors.append(
                RowError(
                    number, f"kolom {len(columns) + 1}", "Deze cel staat in een kolom zonder naam."
                )
            )
            continue
        record = dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True))
        try:
            plan.changes.append(validator.check(number, record))
        except RowProblem as problem:
            plan.errors.append(RowError(number, problem.column, problem.message))
    return plan


# Writing ----------------------------------------------------------------------------------


WRITE_BATCH = 500
# bulk_update writes one CASE per field over the batch's rows; the database compares
# every row with each WHEN, so smaller batches are faster for updates.
UPDATE_BATCH = 100


def _write_rows(plan: Plan, model: type[BudgetLine] | type[Investment], user: Any) -> None:
    """Budget lines and investments: each row validated, then all written in bulk.

    Every row passes full_clean() on its own fields, as a save from a form would. What
    save() would repeat per row is done once for the whole file: the plan matched each
    row to its stored row by key and refused duplicates, and apply_import locked the
    report and refused an adopted one. simple_history's bulk helpers write one history
    record per row, naming the importer, so 10,000 rows take seconds instead of a
    minute of holding the database's write lock.
    """
    # Bulk writes skip save(), and with it each row's freeze check: check once, here too.
    if Report.objects.filter(pk=plan.report.pk, status=ReportStatus.ADOPTED).exists():
        raise FrozenReportError(plan.report.title)
    last_order: dict[int, int] = {}
    creates: list[Any] = []
    updates: list[Any] = []
    changed = {"version"}
    for change in plan.to_write:
        row = change.target
        if row is None:
            program = change.program
            if program.pk not in last_order:
                orders = model.objects.filter(program=program).values_list("order", flat=True)
                last_order[program.pk] = max(orders, default=0)
            last_order[program.pk] += 1
            row = model(program=program, order=last_order[program.pk])
            creates.append(row)
        else:
            row.version += 1  # so an edit form opened before the import sees a conflict
            updates.append(row)
            # Only the columns that really change: bulk_update builds a CASE per column.
            changed.update(n for n, v in change.data.items() if getattr(row, n) != v)
        for name, value in change.data.items():
            setattr(row, name, value)
        # The program comes from the plan; checking it exists would cost a query per row.
        # The program and the taakveld come from the plan, which read them.
        row.full_clean(
            exclude=["program", "taakveld"], validate_unique=False, validate_constraints=False
        )
    if updates:
        bulk_update_with_history(
            updates, model, fields=sorted(changed), batch_size=UPDATE_BATCH, default_user=user
        )
    if creates:
        bulk_create_with_history(creates, model, batch_size=WRITE_BATCH, default_user=user)


def _write_budget_lines(plan: Plan, user: Any) -> None:
    """The lines, then their printed results: a line the file changes keeps the result the
    file printed for it (when it differs from the computed one) and no older print."""
    _write_rows(plan, BudgetLine, user)
    written = [change for change in plan.to_write if change.target is not None]
    PrintedFigure.objects.filter(line__in=[change.target for change in written]).delete()
    printed = [
        PrintedFigure(
            program=change.program,
            line=change.target or _created_line(change),
            column="budgetresultaat",
            amount=change.printed_result,
        )
        for change in plan.to_write
        if change.printed_result is not None
    ]
    if printed:
        bulk_create_with_history(printed, PrintedFigure, default_user=user)


def _created_line(change: Change) -> BudgetLine:
    data = change.data
    return BudgetLine.objects.get(
        program=change.program, nature=data["nature"], kind=data["kind"], label=data["label"]
    )


def _write_indicator_values(plan: Plan, user: Any) -> None:
    """Per indicator one save through the indicator service, as the edit form does.

    The service keeps the indicator's version up to date and footnotes a
    corrected previous-year value; a value's own footnotes are kept.
    """
    cells: dict[int, list[CellInput]] = defaultdict(list)
    indicators: dict[int, Indicator] = {}
    for change in plan.to_write:
        indicator: Indicator = change.data["indicator"]
        component: IndicatorComponent | None = change.data["component"]
        value: Value = change.data["value"]
        notes = change.data["footnotes"]
        indicators[indicator.pk] = indicator
        cells[indicator.pk].append(
            CellInput(
                change.data["column"],
                component.pk if component else None,
                value,
                notes,
                period_year=change.data["period_year"],
                reference_date=change.data["reference_date"],
                check_note=plan.check_note if change.doubts else "",
                source=change.data["source"],
            )
        )
    for pk, indicator_cells in cells.items():
        save_indicator_values(
            indicator_pk=pk, version=indicators[pk].version, cells=indicator_cells
        )


WRITERS: dict[str, Callable[[Plan, Any], None]] = {
    BUDGET: lambda plan, user: _write_budget_lines(plan, user),
    INVESTMENTS: lambda plan, user: _write_rows(plan, Investment, user),
    INDICATORS: _write_indicator_values,
    BBV: _write_indicator_values,
}


class CheckNeeded(Exception):
    """The import holds figures that look implausible and the importer did not confirm
    them with a reason; nothing was written."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(CHECK_NEEDED)
        self.plan = plan


CHECK_NEEDED = (
    "Er is niets opgeslagen: controleer de waarden onder ‘Controleer deze waarden’. Kloppen "
    "ze, vink dan aan dat u ze gecontroleerd hebt en schrijf kort waarom ze kloppen."
)


class PlanChanged(Exception):
    """What the file would change now differs from the preview the user confirmed."""

    def __init__(self, plan: Plan) -> None:
        super().__init__("Sinds het voorbeeld is er iets gewijzigd.")
        self.plan = plan


WRITE_FAILED = (
    "Het opslaan is mislukt door een storing in de database. Er is niets opgeslagen, ook "
    "niet de regels die al verwerkt waren: het verslag is zoals het was. Probeer het over "
    "een paar minuten opnieuw; lukt het dan nog niet, meld het dan bij de beheerder van deze site."
)


def apply_import(
    *,
    report: Report,
    kind: str,
    table: spreadsheets.Table,
    user: Any,
    expected: str,
    taken: Collection[int] = (),
    check_note: str = "",
) -> Plan:
    """Write the import all or nothing, if it still changes exactly what the preview showed.

    The report row is locked, so a status change cannot slip in between; an
    adopted report is refused here, and by every model's save() after that.
    Whatever fails halfway rolls the whole import back; a failure of the
    database (locked, full, gone) comes back as ImportRefused with a Dutch
    message, as the user can do nothing about it but try again later.
    """
    try:
        return _apply_import(
            report=report,
            kind=kind,
            table=table,
            user=user,
            expected=expected,
            taken=taken,
            check_note=check_note,
        )
    except DatabaseError as error:
        logger.exception("Import of %s into %s failed while writing", kind, report)
        raise ImportRefused(WRITE_FAILED) from error


@transaction.atomic
def _apply_import(
    *,
    report: Report,
    kind: str,
    table: spreadsheets.Table,
    user: Any,
    expected: str,
    taken: Collection[int],
    check_note: str,
) -> Plan:
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.is_adopted:
        raise ImportRefused(frozen_message(locked.title))
    if locked.status == ReportStatus.OFFERED:
        # Offered while the preview was open: the council has it now; no bulk change.
        raise ImportRefused(offered_message(locked.title))
    plan = build_plan(report=locked, kind=kind, table=table, user=user)
    if plan.errors:
        raise PlanChanged(plan)
    if plan.digest != expected:
        raise PlanChanged(plan)
    plan.resolve(taken)
    plan.check_note = check_note.strip()
    if plan.doubted and not plan.check_note:
        raise CheckNeeded(plan)
    try:
        WRITERS[kind](plan, user)
        if plan.to_write:
            # The rows were written in bulk, past ReportContent.save.
            Report.content_changed(locked.pk)
    except Conflict as conflict:
        raise ImportRefused(
            f"Iemand anders heeft {conflict.current} intussen gewijzigd. Er is niets "
            "opgeslagen; upload het bestand opnieuw."
        ) from conflict
    return plan


# Templates --------------------------------------------------------------------------------


def template_rows(report: Report, kind: str, user: Any) -> list[dict[str, Any]]:
    """The report's rows of this kind, for the programs the user may edit."""
    if kind == BBV:
        return []  # its rows come from waarstaatjegemeente.nl, not from the report
    rows: list[dict[str, Any]] = []
    builders = {
        BUDGET: datarows.budget_rows,
        INVESTMENTS: datarows.investment_rows,
        INDICATORS: lambda p: datarows.indicator_rows(p, include_empty=True),
    }
    for program in report.programs.all():
        program.report = report
        if may_edit(user, kind, program):
            rows += builders[kind](program)
    if kind == INDICATORS:
        for row in rows:
            row["bij_download"] = row["waarde"]
    elif kind == BUDGET:
        lines = BudgetLine.objects.filter(program__report=report).select_related("program")
        versions = {(b.program.slug, b.nature, b.kind, b.label): b.version for b in lines}
        for row in rows:
            key = (row["programma"], row["aard"], row["soort"], row["omschrijving"])
            row["versie"] = versions.get(key)
    else:
        items = Investment.objects.filter(program__report=report).select_related("program")
        numbers = {(i.program.slug, i.number): i.version for i in items}
        for row in rows:
            row["versie"] = numbers.get((row["programma"], row["kredietnummer"]))
    return rows


def _canonical(text: str) -> str:
    """A value as the product writes it, so "73,6 %" typed in a file equals "73,6%"."""
    text = text.strip()
    if not text:
        return ""
    try:
        return format_value(parse_value(text))
    except InvalidValue:
        return text


def render_template(report: Report, kind: str, fmt: str, user: Any) -> datarows.Rendered:
    columns = KINDS[kind].template_for(report)
    rows = [[_cell(row[c]) for c in columns] for row in template_rows(report, kind, user)]
    filename = f"sjabloon-{kind}-{report.kind}-{report.year}.{fmt}"
    if fmt == "csv":
        return filename, spreadsheets.CSV_MIME, spreadsheets.csv_bytes(columns, rows)
    sheet = spreadsheets.Sheet(title=kind, columns=columns, rows=rows)
    return filename, spreadsheets.XLSX_MIME, spreadsheets.xlsx_bytes([sheet])


def _dutch_date(day: date | None) -> str:
    return format_date(day) if day else ""


def _cell(value: Any) -> Any:
    """A template cell: a list of footnote marks is written as people type it, "3, A"."""
    return ", ".join(value) if isinstance(value, list) else value
