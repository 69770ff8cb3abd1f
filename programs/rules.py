"""Who may do what: one set of predicates for every page, form, import and action.

A person's rights come from their role (a group: Beleid, Financiën, P&C-control,
Griffie) and, for
policy staff, the programs they are assigned to; Django's is_staff flag only opens the
admin site and decides nothing here. Rights over content are per program and inherited
by everything in it (goals, subgoals, activities, indicators, money), so those checks
take the Program. The rules package loads this module at start-up
(AutodiscoverRulesConfig); code that cannot import it (models) asks user.has_perm.
"""

from typing import Any

import rules

from .models import OPEN_STATUSES, Program, ReportStatus

POLICY_GROUP = "Beleid"
FINANCE_GROUP = "Financiën"
ADMIN_GROUP = "Griffie"
CONTROL_GROUP = "P&C-control"


@rules.predicate
def is_administrator(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _in_group(user, ADMIN_GROUP)


@rules.predicate
def is_controller(user: object) -> bool:
    return _in_group(user, CONTROL_GROUP)


@rules.predicate
def is_superuser(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False))


@rules.predicate
def is_finance(user: object) -> bool:
    return _in_group(user, FINANCE_GROUP)


@rules.predicate
def is_policy_officer(user: object) -> bool:
    return _in_group(user, POLICY_GROUP)


@rules.predicate
def is_assigned_to(user: Any, program: Program | None) -> bool:
    if program is None or not getattr(user, "is_authenticated", False):
        return False
    slugs = getattr(user, "_assigned_program_slugs", None)
    if slugs is None:
        slugs = set(user.program_assignments.values_list("program_slug", flat=True))
        user._assigned_program_slugs = slugs  # cached for this request's user object
    return program.slug in slugs


@rules.predicate
def report_is_open(user: object, program: Program | None) -> bool:
    """Content changes in the ordinary way until the report is offered to the council."""
    return program is not None and program.report.status in OPEN_STATUSES


@rules.predicate
def report_is_offered(user: object, program: Program | None) -> bool:
    """On the council's agenda: a change is a nota van wijziging (an erratum)."""
    return program is not None and program.report.status == ReportStatus.OFFERED


@rules.predicate
def report_is_concept(user: object, program: Program | None) -> bool:
    """Goals, activities and indicators are added, moved and removed only in a concept."""
    return program is not None and program.report.status == ReportStatus.CONCEPT


def _in_group(user: Any, name: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    groups = getattr(user, "_group_names", None)
    if groups is None:
        groups = set(user.groups.values_list("name", flat=True))
        user._group_names = groups
    return name in groups


is_staff_member = is_administrator | is_finance | is_policy_officer | is_controller

# The worklist: finance, the controller and the griffie follow every program, policy staff
# their own.
follows_every_program = is_administrator | is_finance | is_controller

# Drafts (concepts, reports in review) are seen by staff in a role, in pages, search and PDFs.
may_see_drafts = is_staff_member

# The roles that publish and administer need a second factor when it is required
# (settings.SECOND_FACTOR_REQUIRED; accounts/policy.py); superusers count as administrators.
needs_second_factor = is_administrator | is_finance | is_controller

# Imports: finance, the controller and the griffie every kind into every program; policy staff only
# indicator values, and only into the programs they may edit by hand.
may_import_money = is_finance | is_controller | is_administrator
may_import_indicator_values = may_import_money | is_policy_officer


def may_import_into(user: object, program: Program, *, money: bool) -> bool:
    if may_import_money(user):
        return True
    return not money and bool(user.has_perm("programs.edit_policy_content", program))  # type: ignore[attr-defined]


# Once offered, the controller alone changes content, each change with a reason that is
# published beside the report (a nota van wijziging, programs.models.Erratum).
makes_errata = (is_controller | is_superuser) & report_is_offered
rules.add_perm("programs.make_erratum", makes_errata)
# Policy staff: realisations, indicator values, developments and the reasoning of carry-overs.
rules.add_perm(
    "programs.edit_policy_content",
    is_policy_officer & is_assigned_to & report_is_open | makes_errata,
)
# Policy staff of a program, and the controller, build its structure (goals, subgoals,
# activities, indicator tables, indicators) while the report is a concept.
rules.add_perm(
    "programs.edit_structure",
    (is_policy_officer & is_assigned_to | is_controller) & report_is_concept,
)
# Finance: budget lines, investments and carry-overs of every program.
rules.add_perm("programs.edit_money", is_finance & report_is_open | makes_errata)
# ... and adds or removes them while the report is a concept.
rules.add_perm("programs.add_money", is_finance & report_is_concept)
# The P&C controller runs the cycle: starts a year's report, takes it through review and
# offers it to the council. The griffie records what is the council's: the adoption; and
# keeps users and assignments in the admin. A superuser may do both.
runs_the_cycle = is_controller | is_superuser
rules.add_perm("programs.run_cycle", runs_the_cycle)
rules.add_perm("programs.record_adoption", is_administrator)
rules.add_perm("programs.change_report_status", runs_the_cycle | is_administrator)
rules.add_perm("programs.use_staff_pages", is_staff_member)
# Review notes: staff who follow a program (its policy staff, finance, the controller, the
# griffie) read and write them while the report is open (concept or in review).
follows_program = follows_every_program | is_policy_officer & is_assigned_to
rules.add_perm("programs.read_notes", follows_program)
rules.add_perm("programs.write_notes", follows_program & report_is_open)
rules.add_perm("programs.view_drafts", may_see_drafts)


def may_answer(user: Any, note: Any) -> bool:
    """The person a note is for, or policy staff of its program, answer it."""
    return note.assignee_id == getattr(user, "pk", None) or bool(
        user.has_perm("programs.edit_policy_content", note.program)
    )


def may_resolve(user: Any, note: Any) -> bool:
    """Whoever wrote a note, or the controller, settles it."""
    return note.author_id == getattr(user, "pk", None) or bool(is_controller(user))
