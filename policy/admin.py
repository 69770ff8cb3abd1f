"""Staff edit policy notes, council documents and projects here, with history.

Who may change what follows the roles (readmodel/demo.py ROLE_GROUPS): policy
staff the notes and projects, finance the financing, the griffie the council
documents; everyone with a role may look.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from programs.models import CouncilDocument

from .models import (
    CentralGoal,
    DecisionPoint,
    DevelopmentTheme,
    DocumentGoal,
    Financing,
    GoalLink,
    PolicyNote,
    ProcessGoal,
    Project,
    ProjectPhase,
    ProjectTrack,
    Subject,
    SubjectGoal,
)


class CentralGoalInline(admin.TabularInline):
    model = CentralGoal
    extra = 0


class DevelopmentThemeInline(admin.TabularInline):
    model = DevelopmentTheme
    extra = 0


@admin.register(PolicyNote)
class PolicyNoteAdmin(SimpleHistoryAdmin):
    list_display = ("title", "period")
    search_fields = ("title", "ambition")
    inlines = [CentralGoalInline, DevelopmentThemeInline]


class GoalLinkInline(admin.TabularInline):
    model = GoalLink
    extra = 1


@admin.register(CentralGoal)
class CentralGoalAdmin(SimpleHistoryAdmin):
    list_display = ("numeral", "title", "note")
    list_filter = ("note",)
    inlines = [GoalLinkInline]


@admin.register(GoalLink)
class GoalLinkAdmin(SimpleHistoryAdmin):
    list_display = ("central_goal", "program_slug", "goal_code")
    list_filter = ("program_slug",)


class ProcessGoalInline(admin.StackedInline):
    model = ProcessGoal
    extra = 0


@admin.register(DevelopmentTheme)
class DevelopmentThemeAdmin(SimpleHistoryAdmin):
    list_display = ("letter", "title", "note")
    inlines = [ProcessGoalInline]


class FinancingInline(admin.TabularInline):
    model = Financing
    extra = 0


@admin.register(ProcessGoal)
class ProcessGoalAdmin(SimpleHistoryAdmin):
    list_display = ("numeral", "title", "theme")
    list_filter = ("theme__note", "theme")
    inlines = [FinancingInline]


@admin.register(Financing)
class FinancingAdmin(SimpleHistoryAdmin):
    list_display = ("process_goal", "amount", "per_year", "first_year", "last_year", "source")
    list_filter = ("source",)


class ProjectTrackInline(admin.TabularInline):
    model = ProjectTrack
    extra = 0


class ProjectPhaseInline(admin.StackedInline):
    model = ProjectPhase
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("name",)
    search_fields = ("name", "description")
    filter_horizontal = ("reported_in",)
    inlines = [ProjectTrackInline, ProjectPhaseInline]


@admin.register(ProjectTrack)
class ProjectTrackAdmin(SimpleHistoryAdmin):
    list_display = ("project", "number", "title")


@admin.register(ProjectPhase)
class ProjectPhaseAdmin(SimpleHistoryAdmin):
    list_display = ("project", "label", "planned", "status")
    list_filter = ("project", "status")


class DecisionPointInline(admin.TabularInline):
    model = DecisionPoint
    extra = 0


class DocumentGoalInline(admin.TabularInline):
    model = DocumentGoal
    extra = 0


# The register lives in the spine; the notes and projects a document concerns are linked from
# here, on the document's own page, as before.
class DocumentNoteInline(admin.TabularInline):
    model = PolicyNote.documents.through
    extra = 0
    verbose_name = "beleidsnota"
    verbose_name_plural = "beleidsnota's"


class DocumentProjectInline(admin.TabularInline):
    model = Project.documents.through
    extra = 0
    verbose_name = "project"
    verbose_name_plural = "projecten"


@admin.register(CouncilDocument)
class CouncilDocumentAdmin(SimpleHistoryAdmin):
    list_display = ("subject", "kind", "college_date", "council_date")
    list_filter = ("kind",)
    search_fields = ("subject", "summary")
    date_hierarchy = "college_date"
    filter_horizontal = ("developments",)
    inlines = [DecisionPointInline, DocumentGoalInline, DocumentNoteInline, DocumentProjectInline]


@admin.register(DecisionPoint)
class DecisionPointAdmin(SimpleHistoryAdmin):
    list_display = ("document", "number", "text")


@admin.register(DocumentGoal)
class DocumentGoalAdmin(SimpleHistoryAdmin):
    list_display = ("document", "program_slug", "goal_code")


class SubjectGoalInline(admin.TabularInline):
    model = SubjectGoal
    extra = 1


@admin.register(Subject)
class SubjectAdmin(SimpleHistoryAdmin):
    list_display = ("title",)
    search_fields = ("title", "description")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("policy_notes", "projects", "documents")
    inlines = [SubjectGoalInline]


@admin.register(SubjectGoal)
class SubjectGoalAdmin(SimpleHistoryAdmin):
    list_display = ("subject", "program_slug", "goal_code")
    list_filter = ("program_slug",)
