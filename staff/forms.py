"""Forms of the staff pages. Dutch input in, typed values out, messages in Dutch."""

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import Any, ClassVar

from django import forms
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import Resolver404, resolve

from accounts.models import MailSettings
from diemen_sociaal.lib.costs import ESTIMATES, EUROS, THOUSANDS, MoneyUnit, budget_headers
from diemen_sociaal.lib.dutch import (
    DutchDateError,
    DutchNumberError,
    format_date,
    format_euros,
    format_number,
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
from diemen_sociaal.validators import LongText, item_code, long_text_hint
from indicators import plausibility
from indicators.columns import columns_of, spec_of
from indicators.models import (
    ALONE_IN_CELL,
    ColumnKind,
    Footnote,
    Indicator,
    IndicatorColumn,
    IndicatorTable,
    IndicatorValue,
    ValueKind,
    marks_of,
)
from indicators.services import CellInput
from investments.models import BudgetChange, BudgetLine, CarryOver, Investment, Taakveld
from programs.models import (
    Activity,
    CouncilDocument,
    DevelopmentSection,
    DocumentKind,
    Goal,
    Note,
    Program,
    Report,
    ReportKind,
    Subgoal,
)
from programs.services import TRANSITIONS


class DutchDateField(forms.Field):
    """A date typed as people write it: 1 maart 2024, 1-3-2024 (diemen_sociaal.lib.dutch)."""

    widget = forms.TextInput

    def prepare_value(self, value: Any) -> Any:
        return format_date(value) if isinstance(value, date) else value

    def to_python(self, value: Any) -> date | None:
        text = str(value or "").strip()[:60]
        if not text:
            return None
        try:
            return parse_date(text)
        except DutchDateError as error:
            raise forms.ValidationError(str(error)) from error


class EuroField(forms.CharField):
    """An amount typed the Dutch way in a unit (whole euros unless told): 1.234.567 or -20.000.

    It is stored in whole euros; a form in a report's unit sets `unit` (InReportUnit).
    """

    unit: MoneyUnit = EUROS

    def prepare_value(self, value: Any) -> Any:
        if not isinstance(value, int):
            return value
        in_unit = Decimal(value) / self.unit.euros
        exact = in_unit == in_unit.to_integral_value()
        return format_number(in_unit, decimals=0 if exact else len(str(self.unit.euros)) - 1)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]  # text in, euros out
        text = (super().to_python(value) or "").replace("€", "").strip()
        if not text:
            return None
        try:
            number, decimals = parse_number(text)
        except DutchNumberError as error:
            raise forms.ValidationError(str(error)) from error
        if decimals or number != number.to_integral_value():
            raise forms.ValidationError(whole_units_message(self.unit))
        return int(number) * self.unit.euros


def whole_units_message(unit: MoneyUnit) -> str:
    """Why an amount with decimals is refused, in the unit the report gives amounts in."""
    if unit.euros == 1:
        return "Vul hele euro's in, zonder centen (bijvoorbeeld 1.234.567)."
    return (
        f"Dit verslag geeft bedragen in {unit.words} ({unit.label}): vul een heel getal in, "
        f"bijvoorbeeld {unit.example} voor {format_euros(1234 * unit.euros)}."
    )


class InReportUnit(forms.ModelForm):
    """Amounts typed in the unit of the item's report (whole euros, or x € 1.000)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.instance.program.report.unit
        for field in self.fields.values():
            if isinstance(field, EuroField):
                field.unit = unit
                if unit.euros != 1:
                    field.label = str(field.label).replace("(€)", f"({unit.label})")


class VersionedForm(forms.ModelForm):
    """A model form that carries the version it was opened at, for the lost-update check."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
        for name, field in self.fields.items():
            if name in (self._meta.fields or ()) and _is_long_text(self._meta.model, name):
                field.help_text = " ".join(filter(None, [str(field.help_text), long_text_hint()]))

    def apply_to(self, current: Any) -> None:
        """Copy what was typed onto the stored row (locked by the caller)."""
        for name in self._meta.fields or ():
            setattr(current, name, self.cleaned_data[name])


def _is_long_text(model: type[models.Model], name: str) -> bool:
    field: Any = model._meta.get_field(name)
    return any(isinstance(v, LongText) for v in field.validators)


class ActivityForm(VersionedForm):
    class Meta:
        model = Activity
        fields = ["realisation"]
        widgets = {"realisation": forms.Textarea(attrs={"rows": 10})}
        labels = {"realisation": "Wat hebben we ervoor gedaan?"}
        help_texts = {"realisation": "Platte tekst; een lege regel begint een nieuwe alinea."}


class PlanForm(VersionedForm):
    """In a Programmabegroting staff write the plan, as the budget asks it."""

    class Meta:
        model = Activity
        fields = ["plan"]
        widgets = {"plan": forms.Textarea(attrs={"rows": 10})}
        labels = {"plan": "Wat gaan we ervoor doen?"}
        help_texts = {"plan": "Platte tekst; een lege regel begint een nieuwe alinea."}


class DevelopmentSectionForm(VersionedForm):
    class Meta:
        model = DevelopmentSection
        fields = ["title", "body", "order"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}


class CarryOverReasoningForm(VersionedForm):
    class Meta:
        model = CarryOver
        fields = ["reasoning"]
        widgets = {"reasoning": forms.Textarea(attrs={"rows": 8})}


class CarryOverForm(VersionedForm):
    amount = EuroField(label="Bedrag (€)", required=False)

    class Meta:
        model = CarryOver
        fields = ["title", "amount", "reasoning", "goal", "development", "line", "order"]
        widgets = {"reasoning": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "goal": "Waarvoor het geld bedoeld was: een doelstelling van dit programma …",
            "development": "… of een van zijn belangrijke ontwikkelingen (niet allebei).",
            "line": "Waar het bedrag volgend jaar terechtkomt. Stelt de raad het verslag vast "
            "(met het raadsbesluit in het register), dan wordt het bij de start van het "
            "nieuwe jaar daar een begrotingswijziging.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the program's own goals and developments to choose from.
        program = self.instance.program
        goal: Any = self.fields["goal"]
        goal.queryset = Goal.objects.filter(program=program)
        goal.label_from_instance = lambda g: f"{g.code} {g.title}"
        development: Any = self.fields["development"]
        development.queryset = DevelopmentSection.objects.filter(program=program)
        development.label_from_instance = lambda d: d.title or f"Ontwikkeling {d.order}"
        line: Any = self.fields.get("line")
        if line is not None:
            line.queryset = BudgetLine.objects.filter(program=program)
            line.label_from_instance = lambda b: f"{b.label} ({b.get_nature_display().lower()})"


# An empty amount stays empty ("nog niet ingevuld"); nil is typed as 0.
NOT_YET = "Leeg laten zolang het bedrag er nog niet is; 0 is nul."


class BudgetLineForm(InReportUnit, VersionedForm):
    rekening_vorig = EuroField(label="Rekening vorig jaar (€)", required=False, help_text=NOT_YET)
    begroting_primitief = EuroField(
        label="Begroting primitief (€)", required=False, help_text=NOT_YET
    )
    begroting_totaal = EuroField(label="Begroting totaal (€)", required=False, help_text=NOT_YET)
    rekening = EuroField(label="Rekening (€)", required=False, help_text=NOT_YET)

    class Meta:
        model = BudgetLine
        fields = [
            "rekening_vorig",
            "begroting_primitief",
            "begroting_totaal",
            "rekening",
            "taakveld",
            "explanation",
        ]
        widgets = {"explanation": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _taakveld_choices(self)
        report = self.instance.program.report
        if "explanation" in self.fields:
            self.fields["explanation"].help_text = (
                "Waarom het budgetresultaat afwijkt. Nodig boven de drempel van dit verslag "
                f"({format_euros(report.variance_euros)} of {report.variance_percent}% van de "
                "begroting totaal, wat lager is) en bij elke overschrijding van de lasten."
            )


def _taakveld_choices(form: forms.ModelForm) -> None:
    """The taakvelden of the list in use, by code; an unknown one is refused in Dutch."""
    field: Any = form.fields.get("taakveld")
    if field is None:
        return
    latest = Taakveld.objects.order_by("-version").values_list("version", flat=True).first()
    current = form.instance.taakveld_id
    field.queryset = Taakveld.objects.filter(
        models.Q(version=latest) | models.Q(pk=current)
    ).order_by("code")
    field.help_text = (
        "Het taakveld (BBV) waarop de regel wordt geboekt; een overzicht per taakveld staat "
        "onder de tabel."
    )
    field.error_messages["invalid_choice"] = "Dit taakveld bestaat niet; kies er een uit de lijst."


# A Programmabegroting's amounts: the budget year with its multi-year estimate, and the
# last adopted account beside it. Labelled with their years (costs.budget_headers).
PLANNED_AMOUNTS = ("rekening_vorig", "raming_vorig", "begroting_primitief", *ESTIMATES[1:])


class PlannedAmounts(forms.ModelForm):
    """The amounts of a Programmabegroting's line, each labelled with its year."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        report = self.instance.program.report
        headers = budget_headers(report.year)
        unit = "€" if report.unit.euros == 1 else report.unit.label
        for name in PLANNED_AMOUNTS:
            if name in self.fields:
                self.fields[name].label = f"{headers[name]} ({unit})"
        if "raming_vorig" in self.fields:
            self.fields["raming_vorig"].help_text = (
                "Het vertrekpunt: wat de vorige begroting voor dit jaar raamde; een nieuw jaar "
                "neemt het over. " + NOT_YET
            )


class PlannedBudgetLineForm(PlannedAmounts, BudgetLineForm):
    """A budget line of a Programmabegroting: the budget and its estimate, nothing realised."""

    begroting_totaal = rekening = None  # type: ignore[assignment]
    raming_vorig = EuroField(required=False, help_text=NOT_YET)
    raming_1 = EuroField(required=False, help_text=NOT_YET)
    raming_2 = EuroField(required=False, help_text=NOT_YET)
    raming_3 = EuroField(required=False, help_text=NOT_YET)

    class Meta:
        model = BudgetLine
        fields = [*PLANNED_AMOUNTS, "taakveld"]


class InvestmentForm(InReportUnit, VersionedForm):
    budget = EuroField(label="Budget (€)")
    realised = EuroField(
        label="Realisatie t/m het verslagjaar (€)",
        required=False,
        help_text=NOT_YET,
    )

    class Meta:
        model = Investment
        fields = ["name", "budget", "realised", "status", "explanation"]
        widgets = {"explanation": forms.Textarea(attrs={"rows": 4})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("budget") is None and "budget" not in self.errors:
            self.add_error("budget", "Vul een bedrag in.")
        return data


class IndicatorValuesForm(forms.Form):
    """Every cell of one indicator: whole and per component, with footnote numbers.

    Fields are named "<column>__<component id or 'totaal'>" and "...__voetnoten".
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    new_footnote = forms.CharField(
        label="Nieuwe voetnoot bij de naam van de indicator",
        required=False,
        validators=[LongText()],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    plausible = forms.BooleanField(label="Ja, deze waarden kloppen: toch opslaan", required=False)
    check_note = forms.CharField(
        label="Waarom klopt het?",
        required=False,
        validators=[LongText()],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Bijvoorbeeld ‘Nieuwe telmethode van het CBS’. Wordt bewaard bij de waarde "
        "en in de geschiedenis.",
    )
    check_note_as_footnote = forms.BooleanField(
        label="Deze toelichting ook als voetnoot bij de indicator tonen", required=False
    )

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        # Every column of the indicator's table, as the chapter shows it.
        self.columns = columns_of(indicator.table)
        program = indicator.table.program
        # A note by the mark the report shows it with ("4", "A"): its number.
        chapter_notes = list(program.footnotes.all())
        self.known_footnotes = {note.mark: note.number for note in chapter_notes}
        # Only a lettered note can stand in a cell: a number there would read as a figure.
        self.lettered = {note.number for note in chapter_notes if note.label}
        stored: dict[tuple[int | None, int, str, str], IndicatorValue] = {
            (v.component_id, v.year, v.kind, v.area): v
            for v in indicator.values.prefetch_related("footnotes")
        }
        # Per part: (value field, column label, the fields that go with the value).
        self.rows: list[tuple[str, list[tuple[str, str, list[str]]]]] = []
        parts = [(None, "Totaal")] + [(c.pk, c.label) for c in indicator.components.all()]
        labels = {spec.key: spec.label for spec in self.columns}
        for component_id, part_label in parts:
            names = []
            for spec in self.columns:
                column, kind = spec.key, spec.value_kind
                name = f"{column}__{component_id or 'totaal'}"
                value = stored.get((component_id, *spec.cell))
                self.fields[name] = forms.CharField(
                    label=f"{labels[column]} — {part_label}", required=False, max_length=500
                )
                self.fields[f"{name}__voetnoten"] = forms.CharField(
                    label=f"Voetnoten bij {labels[column].lower()} — {part_label}",
                    required=False,
                    max_length=100,
                )
                extras = [f"{name}__voetnoten"]
                if kind == ValueKind.REALISATION:
                    column_year = spec.year
                    out_of_range = (
                        f"Een cijfer in deze kolom gaat over {column_year - 10} tot en met "
                        f"{column_year}."
                    )
                    self.fields[f"{name}__jaar"] = forms.IntegerField(
                        error_messages={
                            "min_value": out_of_range,
                            "max_value": out_of_range,
                            "invalid": "Vul een jaartal in, zoals 2023.",
                        },
                        label=f"Cijfer over jaar — {labels[column].lower()} — {part_label}",
                        required=False,
                        min_value=column_year - 10,
                        max_value=column_year,
                    )
                    extras.append(f"{name}__jaar")
                    self.fields[f"{name}__peildatum"] = DutchDateField(
                        label=f"Peildatum — {labels[column].lower()} — {part_label}",
                        required=False,
                    )
                    extras.append(f"{name}__peildatum")
                self.fields[f"{name}__bron"] = forms.CharField(
                    label=f"Bron van dit cijfer — {labels[column].lower()} — {part_label}",
                    required=False,
                    max_length=200,
                )
                extras.append(f"{name}__bron")
                if not self.is_bound:
                    self.initial[name] = value.display if value else ""
                    notes = marks_of(value.footnotes.all()) if value else []
                    self.initial[f"{name}__voetnoten"] = ", ".join(notes)
                    self.initial[f"{name}__jaar"] = value.period_year if value else None
                    self.initial[f"{name}__peildatum"] = value.reference_date if value else None
                    self.initial[f"{name}__bron"] = value.source if value else ""
                names.append((name, labels[column], extras))
            self.rows.append((part_label, names))
        if not self.is_bound:
            self.initial["version"] = indicator.version
        self._component_ids = [cid for cid, _ in parts]
        self._specs = {spec.key: spec for spec in self.columns}
        self._stored = stored
        self.warnings: list[str] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.cells: list[CellInput] = []
        for component_id in self._component_ids:
            for spec in self.columns:
                column = spec.key
                name = f"{column}__{component_id or 'totaal'}"
                value = self._parse(name, data.get(name, ""))
                notes = self._footnotes(f"{name}__voetnoten", data.get(f"{name}__voetnoten", ""))
                if value is None and notes and not self.has_error(name):
                    if set(notes) <= self.lettered:
                        value = NOTE_ONLY  # the note stands in the cell instead of a figure
                    else:
                        self.add_error(name, ALONE_IN_CELL)
                self.cells.append(
                    CellInput(
                        column,
                        component_id,
                        value,
                        notes,
                        period_year=data.get(f"{name}__jaar"),
                        source=(data.get(f"{name}__bron") or "").strip(),
                        reference_date=data.get(f"{name}__peildatum"),
                    )
                )
                if value is not None and self._changed(self.cells[-1]):
                    refused = plausibility.refusal(self.indicator, value)
                    if refused:
                        self.add_error(name, refused)
        if not self.errors:
            doubted = self._implausible()
            self.warnings = [warning for _, warning in doubted]
            note = (data.get("check_note") or "").strip()
            if self.warnings and not data.get("plausible"):
                self.add_error(
                    "plausible",
                    "Controleer deze waarden; kloppen ze, vink dan aan dat u ze toch opslaat.",
                )
            if self.warnings and data.get("plausible") and not note:
                self.add_error("check_note", "Schrijf kort waarom deze waarde klopt.")
            asked = {id(cell) for cell, _ in doubted}
            self.cells = [
                replace(cell, check_note=note) if id(cell) in asked else cell for cell in self.cells
            ]
            if note and self.warnings and data.get("check_note_as_footnote"):
                data["new_footnote"] = "\n".join(filter(None, [data.get("new_footnote"), note]))
        return data

    def _changed(self, cell: CellInput) -> bool:
        spec = self._specs[cell.column]
        before = self._stored.get((cell.component_id, *spec.cell))
        if cell.value is None:
            return False
        return before is None or format_value(before.as_value()) != format_value(cell.value)

    def _implausible(self) -> list[tuple[CellInput, str]]:
        """The changed cells that look like a typing error, each with why
        (indicators.plausibility): a jump from the year before, a number out of range."""
        found = []
        for cell in self.cells:
            if cell.value is None or not self._changed(cell):
                continue  # unchanged: asked before, or the source's own
            spec = self._specs[cell.column]
            earlier = self._stored.get(
                (cell.component_id, spec.year - 1, spec.value_kind, spec.area)
            )
            for doubt in plausibility.doubts(
                self.indicator,
                cell.value,
                earlier.as_value() if earlier else None,
                spec.year - 1,
                "de realisatie" if spec.value_kind == ValueKind.REALISATION else "het doel",
            ):
                found.append((cell, doubt))
        return found

    def _parse(self, name: str, raw: str) -> Value | None:
        if not raw.strip():
            return None
        try:
            return parse_value(raw)
        except InvalidValue as error:
            self.add_error(name, str(error))
            return None

    def _footnotes(self, name: str, raw: str) -> tuple[int, ...]:
        """The numbers of the notes typed by their marks ("4, A"); a letter in either case."""
        by_letter = {mark.upper(): n for mark, n in self.known_footnotes.items()}
        numbers = []
        for part in raw.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if part.isdigit():
                part = str(int(part))
            number = self.known_footnotes.get(part, by_letter.get(part.upper()))
            if number is None:
                self.add_error(name, f"Voetnoot ‘{part}’ bestaat niet in dit hoofdstuk.")
                continue
            numbers.append(number)
        return tuple(numbers)

    def cell_display(self, cell: CellInput) -> str:
        return format_value(cell.value) if cell.value else ""


class FootnoteForm(VersionedForm):
    """A footnote of a chapter: its text, its kind and, if the report marks it so, a letter."""

    class Meta:
        model = Footnote
        fields = ["label", "kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def clean_label(self) -> str:
        label: str = self.cleaned_data["label"].strip()
        taken = Footnote.objects.filter(program=self.instance.program_id, label=label)
        if label and taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                f"Dit hoofdstuk heeft al een voetnoot met de letter {label}; kies een andere."
            )
        alone = self.instance.pk and self.instance.values.filter(state=ValueState.NOTE).exists()
        if not label and alone:
            raise forms.ValidationError(
                "Deze voetnoot staat in een cel in plaats van een cijfer; daar kan alleen een "
                "letter staan. Geef de cel eerst een waarde."
            )
        return label


class NewFootnoteForm(FootnoteForm):
    """A new footnote; it gets the next number of the chapter (a lettered one too, for its
    place among the notes)."""

    version = None  # type: ignore[assignment]

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, instance=Footnote(program=program), **kwargs)


class NewDevelopmentForm(forms.ModelForm):
    class Meta:
        model = DevelopmentSection
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class StatusForm(forms.Form):
    transition = forms.ChoiceField(
        choices=[(name, label) for name, (_, label) in TRANSITIONS.items()], label="Actie"
    )
    seen_status = forms.CharField(widget=forms.HiddenInput)
    adopted_on = forms.DateField(
        label="Vastgesteld door de raad op",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    offered_on = forms.DateField(
        label="Collegebesluit tot aanbieding op",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="De datum waarop het college besloot het verslag aan de raad aan te bieden.",
    )
    adoption_decision = forms.ModelChoiceField(
        label="Raadsbesluit",
        queryset=CouncilDocument.objects.filter(kind=DocumentKind.DECISION).order_by(
            models.F("council_date").desc(nulls_last=True), "subject"
        ),
        required=False,
        help_text="Het besluit uit het register van raadsstukken, als het daarin staat.",
    )
    # Offering or adopting an incomplete report: said out loud, with a reason in the history.
    go_on = forms.BooleanField(label="Toch doorgaan, hoewel er nog iets ontbreekt", required=False)
    reason = forms.CharField(
        label="Reden",
        required=False,
        max_length=100,
        help_text="Komt in de geschiedenis van het verslag; hoogstens 100 tekens.",
    )
    # Taking an offered report back from the council: the public pages say why.
    withdraw_reason = forms.CharField(
        label="Reden van terugtrekken",
        required=False,
        max_length=300,
        help_text="Komt op de openbare pagina's van het verslag zolang het teruggetrokken is.",
    )


# --- a program's structure: goals, subgoals, activities, indicator tables, indicators ----------

CODE_HELP = (
    "Cijfers en letters, gescheiden door punten, zoals 3.1.4 of 20.a. Het nummer is de "
    "vaste naam van dit onderdeel over de jaren heen: trends en links volgen het."
)
CODE_FIXED_HELP = (
    "Het nummer ligt vast: trends en links over de jaren volgen het. De volgorde wijzigt u "
    "op de pagina Opbouw."
)


class StructureForm(VersionedForm):
    """Add or change one item of a program's structure.

    The item's parent is set on the instance before the form is made, so the form
    knows its program for a new item too. A code is unique within the program per
    kind of item (the addresses of goals, activities and indicators are built from it)
    and fixed once the item exists: moving an item changes its order, not its code.
    """

    label: ClassVar[str]
    # From the item to its Program, as attributes and as an ORM path.
    program_attr: ClassVar[str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = attrgetter(self.program_attr)(self.instance)
        self.fields["version"].required = bool(self.instance.pk)  # nothing to be stale about
        code = self.fields.get("code")
        if code is not None:
            code.help_text = CODE_FIXED_HELP if self.instance.pk else CODE_HELP
            code.disabled = bool(self.instance.pk)

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        same = self._meta.model.objects.filter(
            **{self.program_attr.replace(".", "__"): self.program, "code": code}
        ).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(
                f"Dit programma heeft al een {self.label} met nummer {code}. Kies een ander nummer."
            )
        return code


class GoalForm(StructureForm):
    label = "doelstelling"
    program_attr = "program"

    class Meta:
        model = Goal
        fields = ["code", "title"]
        widgets = {"title": forms.Textarea(attrs={"rows": 3})}
        labels = {"title": "Doelstelling (wat willen we bereiken?)"}


class SubgoalForm(StructureForm):
    label = "subdoel"
    program_attr = "goal.program"

    class Meta:
        model = Subgoal
        fields = ["code", "title", "activity_heading"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 3}),
            "activity_heading": forms.Textarea(attrs={"rows": 2}),
        }


class ActivityStructureForm(StructureForm):
    label = "activiteit"
    program_attr = "subgoal.goal.program"

    class Meta:
        model = Activity
        fields = ["code", "plan"]
        widgets = {"plan": forms.Textarea(attrs={"rows": 5})}
        labels = {"plan": "Wat gaan we ervoor doen? (het plan)"}


class IndicatorTableForm(StructureForm):
    label = "indicatortabel"
    program_attr = "program"

    class Meta:
        model = IndicatorTable
        fields = ["kind", "budget_label"]
        help_texts = {
            "budget_label": "Zoals het verslag de kolom met de streefwaarde noemt, "
            "bijvoorbeeld Begroot of Begroting."
        }


class ColumnForm(forms.ModelForm):
    """One column of an indicator table, on the table's columns page."""

    class Meta:
        model = IndicatorColumn
        fields = ["kind", "year_offset", "year", "area", "label"]
        labels = {"year_offset": "Jaar t.o.v. verslagjaar", "label": "Eigen kop (mag leeg)"}
        help_texts = {"year_offset": "", "year": "", "area": "", "label": ""}

    def __init__(self, *args: Any, table: IndicatorTable, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set before validation: the model's checks need to know the table's report.
        self.instance.table = table
        kind: Any = self.fields["kind"]
        kind.choices = [("", "— kies een soort —"), *ColumnKind.choices]

    def has_changed(self) -> bool:
        # A row started from the fixed columns is a column to keep, changed or not.
        return super().has_changed() or (self.instance.pk is None and bool(self.initial))


class BaseColumnFormSet(forms.BaseModelFormSet):
    """The columns in the order given; two columns may not hold the same figures."""

    def __init__(self, *args: Any, table: IndicatorTable, **kwargs: Any) -> None:
        self.table = table
        super().__init__(*args, form_kwargs={"table": table}, **kwargs)

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.has_changed() or f.instance.pk]
        kept = [f for f in kept if not f.cleaned_data.get("DELETE")]
        if not kept:
            raise forms.ValidationError(
                "Een tabel heeft minstens één kolom. Wilt u de vaste kolommen terug, "
                "verwijder dan alle eigen kolommen met de knop daarvoor."
            )
        report = self.table.program.report
        seen: dict[str, str] = {}
        for form in kept:
            column = form.save(commit=False)
            spec = spec_of(column, self.table, report.year)
            if spec.key in seen:
                raise forms.ValidationError(
                    f"‘{seen[spec.key]}’ en ‘{spec.label}’ tonen dezelfde cijfers (soort, jaar "
                    "en gebied zijn gelijk). Verwijder er een of kies een ander jaar."
                )
            seen[spec.key] = spec.label


class DutchDecimalField(forms.CharField):
    """A number typed the Dutch way, with decimals: 73,6 or 1.141; empty is none."""

    def prepare_value(self, value: Any) -> Any:
        if not isinstance(value, Decimal):
            return value
        normal = value.normalize()
        return format_number(normal, max(0, -int(normal.as_tuple().exponent)))

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = (super().to_python(value) or "").replace("%", "").strip()
        if not text:
            return None
        try:
            number, _ = parse_number(text)
        except DutchNumberError as error:
            raise forms.ValidationError(str(error)) from error
        return number


class IndicatorStructureForm(StructureForm):
    label = "indicator"
    program_attr = "table.program"
    lowest = DutchDecimalField(
        label="Laagste aannemelijke waarde",
        required=False,
        help_text="Een waarde daaronder vraagt om bevestiging en een toelichting. Leeg: geen "
        "ondergrens.",
    )
    highest = DutchDecimalField(
        label="Hoogste aannemelijke waarde",
        required=False,
        help_text="Bijvoorbeeld 100 bij een percentage. Leeg: geen bovengrens.",
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "unit",
            "source",
            "direction",
            "mandatory",
            "bbv",
            "allows_text",
            "lowest",
            "highest",
        ]
        widgets = {"name": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "unit": "Bijvoorbeeld ‘aantal’, ‘%’ of ‘per 10.000 inwoners’.",
            "source": "Waar de waarden vandaan komen, bijvoorbeeld CBS of waarstaatjegemeente.nl.",
            "direction": "Bepaalt of een realisatie de streefwaarde haalt; "
            "zonder richting geeft de site geen oordeel.",
            "mandatory": "Zoals het verslag ‘(verplicht)’ drukt.",
            "bbv": "Welke indicator van de BBV-lijst dit is; dat telt mee in ‘11 van 11 "
            "verplichte beleidsindicatoren’.",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("lowest"), data.get("highest")
        if low is not None and high is not None and low > high:
            self.add_error("highest", "De hoogste waarde is lager dan de laagste; draai ze om.")
        return data


class RemoveForm(forms.Form):
    """Removing an item names the version it was shown at: a stale page removes nothing."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# --- the controller: reports, their programs, who works on them --------------------------------


class ThresholdForm(forms.ModelForm):
    """When a line's budget result asks for a toelichting, as the financial ordinance says."""

    variance_euros = EuroField(
        label="Drempel in euro's",
        help_text="Een afwijking groter dan dit bedrag vraagt om een toelichting, "
        "bijvoorbeeld 100.000.",
    )

    class Meta:
        model = Report
        fields = ["variance_euros", "variance_percent"]
        labels = {"variance_percent": "Drempel in procenten van de begroting totaal"}
        help_texts = {
            "variance_percent": "… of groter dan dit percentage, als dat lager uitkomt. Een "
            "overschrijding van de lasten vraagt altijd om een toelichting."
        }

    def clean_variance_euros(self) -> int:
        amount = self.cleaned_data["variance_euros"]
        if amount is None or amount < 0:
            raise forms.ValidationError("Vul een bedrag van 0 of meer in, zoals 100.000.")
        return int(amount)

    def clean_variance_percent(self) -> int:
        percent = self.cleaned_data["variance_percent"]
        if percent is None or not 0 <= percent <= 100:
            raise forms.ValidationError("Vul een percentage van 0 tot en met 100 in.")
        return int(percent)


class NewReportForm(forms.ModelForm):
    """A report of any kind and year, started empty (a new year from the last one is the
    other way in, on the dashboard)."""

    class Meta:
        model = Report
        fields = ["kind", "year", "money_unit"]
        help_texts = {
            "year": "Het jaar waarover het verslag gaat, bijvoorbeeld 2025.",
            "money_unit": "Zoals het verslag de bedragen drukt; financiën typt en importeert "
            "ze in deze eenheid.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["money_unit"].required = False

    def clean_money_unit(self) -> int:
        return int(self.cleaned_data.get("money_unit") or THOUSANDS.euros)

    def clean_year(self) -> int:
        year = int(self.cleaned_data["year"])
        if not 1990 <= year <= 2100:
            raise forms.ValidationError("Vul een jaar tussen 1990 en 2100 in.")
        return year

    def validate_unique(self) -> None:
        kind, year = self.cleaned_data.get("kind"), self.cleaned_data.get("year")
        if kind and year and Report.objects.filter(kind=kind, year=year).exists():
            self.add_error("year", f"{ReportKind(kind).label} {year} bestaat al.")


class ProgramForm(VersionedForm):
    """A program of a report: its code in the address is chosen once, like an item's code."""

    class Meta:
        model = Program
        fields = ["slug", "name", "portfolio_holder"]
        labels = {"slug": "Code in het adres"}
        error_messages = {
            "slug": {
                "invalid": "Gebruik alleen letters, cijfers en streepjes, zonder spaties, "
                "zoals zorg-en-welzijn."
            }
        }
        help_texts = {
            "slug": "Kleine letters, cijfers en streepjes, zoals sociaal of zorg-en-welzijn. "
            "Het programma is er over de jaren aan te herkennen; toewijzingen van "
            "medewerkers volgen het.",
            "portfolio_holder": "De wethouder(s), zoals het verslag ze noemt.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = bool(self.instance.pk)
        if self.instance.pk:
            self.fields["slug"].disabled = True
            self.fields[
                "slug"
            ].help_text = "De code ligt vast: adressen, trends en toewijzingen volgen haar."

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"])
        report = self.instance.report
        same = Program.objects.filter(report=report, slug=slug).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(f"{report.title} heeft al een programma met code {slug}.")
        # The chapter's address must be the chapter's: /jaarstukken/2025/pdf/ is the
        # whole report's PDF, so "pdf" cannot name a program.
        try:
            chapter = resolve(f"/{report.kind}/{report.year}/{slug}/").view_name
        except Resolver404:
            chapter = ""
        if chapter != "programs:chapter":
            raise forms.ValidationError(
                f"De code {slug} is al in gebruik door de site zelf. Kies een andere code."
            )
        return slug


class AssignmentForm(forms.Form):
    """Who among policy staff works on a program (by its code, so for every year)."""

    users = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Beleidsmedewerkers",
    )

    def __init__(self, *args: Any, policy_staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["users"]
        field.queryset = policy_staff
        field.label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.username})" if user.get_full_name() else user.username
        )


# --- finance adds and removes money items in a concept ------------------------------------------


class NewCarryOverForm(CarryOverForm):
    class Meta(CarryOverForm.Meta):
        fields = ["title", "amount", "reasoning", "goal", "development", "line"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False


INVESTMENT_NUMBER = re.compile(r"\A[0-9A-Za-z][0-9A-Za-z.\-]*\Z")


class NewInvestmentForm(InvestmentForm):
    class Meta(InvestmentForm.Meta):
        fields = ["number", "name", "budget", "realised", "status", "explanation"]
        help_texts = {"number": "Het kredietnummer uit de administratie, zoals 760124."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False

    def clean_number(self) -> str:
        number = str(self.cleaned_data["number"]).strip()
        if not INVESTMENT_NUMBER.match(number):
            raise forms.ValidationError(
                "Een kredietnummer bestaat uit cijfers, letters, punten en streepjes."
            )
        program = self.instance.program
        if Investment.objects.filter(program=program, number=number).exists():
            raise forms.ValidationError(
                f"{program.heading} heeft al een investering met kredietnummer {number}."
            )
        return number


class NewBudgetChangeForm(VersionedForm):
    """A budget change of one of the program's lines, and the decision behind it."""

    amount = EuroField(
        label="Bedrag (€)",
        help_text="In hele euro's, zoals het besluit het noemt: -900.000 is een hogere last of "
        "een lagere bate van € 900.000.",
    )

    class Meta:
        model = BudgetChange
        fields = ["line", "document", "description", "amount"]
        help_texts = {
            "document": "Het raadsbesluit, amendement of de kwartaalbrief. Staat het er niet bij? "
            "De griffie legt het vast in het register van raadsstukken.",
            "description": "Waarvoor, zoals het besluit het zegt: ‘Indexatie budget jeugdhulp’.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False
        line: Any = self.fields["line"]
        line.queryset = BudgetLine.objects.filter(program=self.instance.program)
        line.label_from_instance = lambda item: (
            f"{item.label} ({item.get_nature_display().lower()})"
        )
        document: Any = self.fields["document"]
        document.queryset = CouncilDocument.objects.filter(kind__in=CouncilDocument.DECIDES_MONEY)
        document.label_from_instance = lambda item: (
            f"{item.get_kind_display()}: {item.subject} ({item.dates_label})"
        )

    def clean_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError("Een wijziging van € 0 verandert de begroting niet.")
        return amount


class BudgetChangeForm(NewBudgetChangeForm):
    """A recorded budget change, corrected: its line, decision, wording or amount."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = True  # a stale page must not overwrite a colleague


class NewBudgetLineForm(BudgetLineForm):
    """A new line of "Wat heeft het gekost?": its category, then the amounts it has."""

    class Meta(BudgetLineForm.Meta):
        fields = [
            "nature",
            "kind",
            "label",
            "rekening_vorig",
            "begroting_primitief",
            "begroting_totaal",
            "rekening",
            "taakveld",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        program = self.instance.program
        same = BudgetLine.objects.filter(
            program=program,
            nature=data.get("nature"),
            kind=data.get("kind"),
            label=str(data.get("label", "")).strip(),
        )
        if same.exists():
            self.add_error("label", "Deze regel bestaat al (zelfde aard, soort en omschrijving).")
        return data


class NewPlannedBudgetLineForm(PlannedAmounts, NewBudgetLineForm):
    begroting_totaal = rekening = None  # type: ignore[assignment]
    raming_vorig = EuroField(required=False, help_text=NOT_YET)
    raming_1 = EuroField(required=False, help_text=NOT_YET)
    raming_2 = EuroField(required=False, help_text=NOT_YET)
    raming_3 = EuroField(required=False, help_text=NOT_YET)

    class Meta(NewBudgetLineForm.Meta):
        fields = ["nature", "kind", "label", *PLANNED_AMOUNTS, "taakveld"]


class RenumberForm(forms.Form):
    """A new number for an item: an explicit act, because trends and links follow numbers."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    code = forms.CharField(label="Nieuw nummer", max_length=20, validators=[item_code])
    understood = forms.BooleanField(
        label="Ik begrijp dat de trend hier splitst: eerdere jaren blijven bij het oude nummer."
    )

    def __init__(self, *args: Any, item: Any, same_kind: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item, self.same_kind, self.label = item, same_kind, label

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if code == self.item.code:
            raise forms.ValidationError(f"{code} is het huidige nummer.")
        if self.same_kind.filter(code=code).exclude(pk=self.item.pk).exists():
            raise forms.ValidationError(
                f"Dit programma heeft al een {self.label} met nummer {code}. Kies een ander "
                "nummer, of geef dat onderdeel eerst een ander nummer."
            )
        return code


class ErratumForm(forms.Form):
    """The reason for a change to a report offered to the council: a nota van wijziging."""

    prefix = "nota"

    reason = forms.CharField(
        label="Reden van de wijziging (nota van wijziging)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Het verslag is aangeboden aan de raad. Deze wijziging komt met deze reden "
        "openbaar bij het verslag te staan, onder ‘Wijzigingen na aanbieding’.",
        error_messages={"required": "Geef de reden van deze wijziging; de raad ziet die."},
    )


class NoteForm(forms.ModelForm):
    """A review note on an item of one program (or the program as a whole)."""

    item = forms.ChoiceField(label="Over", required=False)

    class Meta:
        model = Note
        fields = ["text", "assignee", "due_date"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"assignee": "Wie moet antwoorden.", "due_date": "Mag leeg blijven."}

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["item", "text", "assignee", "due_date"])
        activities = Activity.objects.filter(subgoal__goal__program=program).order_by(
            "subgoal__goal__order", "subgoal__order", "order"
        )
        indicators = Indicator.objects.filter(table__program=program).order_by("code")
        self.items: dict[str, tuple[Any, str]] = {}
        for activity in activities:
            self.items[f"activiteit-{activity.pk}"] = (
                activity,
                f"Activiteit {activity.code} - {activity.plan[:80]}",
            )
        for indicator in indicators:
            self.items[f"indicator-{indicator.pk}"] = (
                indicator,
                f"Indicator {indicator.code} - {indicator.name[:80]}",
            )
        item: Any = self.fields["item"]
        item.choices = [("", "Het programma als geheel")] + [
            (key, label) for key, (_, label) in self.items.items()
        ]
        assignee: Any = self.fields["assignee"]
        assignee.queryset = User.objects.filter(is_active=True, groups__isnull=False).distinct()
        assignee.label_from_instance = lambda u: u.get_full_name() or u.get_username()

    def save(self, commit: bool = True) -> Note:
        note = super().save(commit=False)
        chosen = self.items.get(self.cleaned_data.get("item") or "")
        if chosen is not None:
            obj, label = chosen
            note.item_type = ContentType.objects.get_for_model(obj)
            note.item_id, note.item_label = obj.pk, label
        if commit:
            note.save()
        return note


class MailSettingsForm(forms.ModelForm):
    class Meta:
        model = MailSettings
        fields = ["enabled"]
