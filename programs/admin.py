from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Activity,
    DevelopmentSection,
    Erratum,
    Goal,
    Note,
    PdfJob,
    Program,
    ProgramAssignment,
    Report,
    ReportStatus,
    Subgoal,
    Versioned,
)


def _frozen(obj: Any) -> bool:
    if isinstance(obj, Report):
        return obj.status == ReportStatus.ADOPTED
    found = obj.report_status() if obj is not None and hasattr(obj, "report_status") else None
    return bool(found and found[1] == ReportStatus.ADOPTED)


class VersionCheckedForm(forms.ModelForm):
    """An admin form for a versioned row: like the staff forms, a save that started from an
    older version than the stored one is refused, and every save counts the version up, so
    a staff form opened before an admin save cannot overwrite it either."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk:
            # The admin saves inside one transaction: the lock holds until the save.
            stored = (
                type(self.instance)
                .objects.select_for_update()
                .values_list("version", flat=True)
                .get(pk=self.instance.pk)
            )
            if data.get("seen_version") != stored:
                raise forms.ValidationError(
                    "Iemand anders heeft dit intussen opgeslagen. Open het opnieuw; uw "
                    "wijziging is niet opgeslagen.",
                    code="stale",
                )
            self.instance.version = stored + 1
        return data


class FrozenAwareMixin:
    """Content of an adopted report is shown read-only: the council adopted it as it is.

    Versioned rows get VersionCheckedForm, in a change form and in an inline alike."""

    model: Any

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if issubclass(self.model, Versioned):
            kwargs.setdefault("form", VersionCheckedForm)
        return super().get_form(request, obj, **kwargs)  # type: ignore[misc]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if issubclass(self.model, Versioned):
            kwargs.setdefault("form", VersionCheckedForm)
        return super().get_formset(request, obj, **kwargs)  # type: ignore[misc]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))  # type: ignore[misc]
        if issubclass(self.model, Versioned) and "seen_version" not in fields:
            fields.append("seen_version")
        return fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not _frozen(obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not _frozen(obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        parent = args[0] if args else None
        return super().has_add_permission(request, *args) and not _frozen(parent)  # type: ignore[misc]


class FrozenAwareAdmin(FrozenAwareMixin, SimpleHistoryAdmin):
    """Models without recorded history (no HistoricalRecords) keep the admin's own history
    page; simple_history's pages would fail on them with a server error."""

    @property
    def object_history_template(self) -> str | None:
        return SimpleHistoryAdmin.object_history_template if self._has_history() else None

    def get_urls(self) -> list[Any]:
        if self._has_history():
            return super().get_urls()
        return admin.ModelAdmin.get_urls(self)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> Any:
        if self._has_history():
            return super().history_view(request, object_id, extra_context)
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)

    def _has_history(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")


class FrozenAwareInline(FrozenAwareMixin):
    pass


class ProgramInline(FrozenAwareInline, admin.TabularInline):
    model = Program
    extra = 0
    fields = ("order", "name", "slug", "portfolio_holder")
    show_change_link = True


@admin.register(Report)
class ReportAdmin(FrozenAwareAdmin):
    list_display = ("title", "kind", "year", "status", "adopted_on")
    list_filter = ("kind", "status", "year")
    search_fields = ("year",)
    inlines = [ProgramInline]
    # The status moves only through the transitions of the status page (review, offer,
    # adoption with the council's date); here it is shown, never typed.
    readonly_fields = ("status", "adopted_on", "adopted_by")


class DevelopmentSectionInline(FrozenAwareInline, admin.StackedInline):
    model = DevelopmentSection
    extra = 0
    fields = ("order", "title", "body")


class GoalInline(FrozenAwareInline, admin.TabularInline):
    model = Goal
    extra = 0
    fields = ("order", "code", "title")
    show_change_link = True


@admin.register(Program)
class ProgramAdmin(FrozenAwareAdmin):
    list_display = ("name", "report", "portfolio_holder", "order")
    list_filter = ("report",)
    search_fields = ("name", "portfolio_holder")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [DevelopmentSectionInline, GoalInline]


@admin.register(DevelopmentSection)
class DevelopmentSectionAdmin(FrozenAwareAdmin):
    list_display = ("__str__", "program", "order")
    list_filter = ("program__report", "program")
    search_fields = ("title", "body")
    list_select_related = ("program__report",)


class SubgoalInline(FrozenAwareInline, admin.TabularInline):
    model = Subgoal
    extra = 0
    fields = ("order", "code", "title", "activity_heading")
    show_change_link = True


@admin.register(Goal)
class GoalAdmin(FrozenAwareAdmin):
    list_display = ("code", "title", "program")
    list_display_links = ("code", "title")
    list_filter = ("program__report", "program")
    search_fields = ("code", "title")
    list_select_related = ("program__report",)
    inlines = [SubgoalInline]


class ActivityInline(FrozenAwareInline, admin.StackedInline):
    model = Activity
    extra = 0
    fields = ("order", "code", "plan", "realisation")


@admin.register(Subgoal)
class SubgoalAdmin(FrozenAwareAdmin):
    list_display = ("code", "title", "goal")
    list_display_links = ("code", "title")
    list_filter = ("goal__program__report", "goal__program")
    search_fields = ("code", "title", "activity_heading")
    list_select_related = ("goal__program__report",)
    inlines = [ActivityInline]


@admin.register(Activity)
class ActivityAdmin(FrozenAwareAdmin):
    list_display = ("code", "plan", "has_realisation", "report")
    list_display_links = ("code", "plan")
    list_filter = ("subgoal__goal__program__report", "subgoal__goal")
    search_fields = ("code", "plan", "realisation")
    list_select_related = ("subgoal__goal__program__report",)

    @admin.display(boolean=True, description="realisatie ingevuld")
    def has_realisation(self, obj: Activity) -> bool:
        return bool(obj.realisation.strip())

    @admin.display(description="rapportage", ordering="subgoal__goal__program__report")
    def report(self, obj: Activity) -> str:
        return str(obj.subgoal.goal.program.report)


@admin.register(ProgramAssignment)
class ProgramAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "program_slug")
    list_filter = ("program_slug",)
    search_fields = ("user__username", "program_slug")


@admin.register(PdfJob)
class PdfJobAdmin(admin.ModelAdmin):
    """Background PDF jobs, for whoever looks after the site: read-only, made by the site."""

    list_display = ("report", "status", "step", "pages_done", "attempts", "created_at")
    list_filter = ("status", "report")
    list_select_related = ("report",)
    readonly_fields = [f.name for f in PdfJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Erratum)
class ErratumAdmin(admin.ModelAdmin):
    """Nota's van wijziging: made with the change on the staff pages, never typed here."""

    list_display = ("report", "number", "subject", "made_by", "made_on")
    list_filter = ("report",)
    list_select_related = ("report", "made_by")
    readonly_fields = [f.name for f in Erratum._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Note)
class NoteAdmin(SimpleHistoryAdmin):
    """Review notes are written on the staff pages; here to look up and clean up."""

    list_display = ("__str__", "state", "author", "assignee", "due_date", "program")
    list_filter = ("state", "program__report")
    list_select_related = ("program__report", "author", "assignee")
    search_fields = ("text", "answer", "item_label")
