"""Who may do what: one set of predicates for every staff view, form and action.

Rights are per program and inherited by everything in it (goals, subgoals,
activities, indicators, money), so every check takes the Program. The rules
package loads this module at start-up (AutodiscoverRulesConfig).
"""

import rules

from .models import Program, ReportStatus

POLICY_GROUP = "Beleid"
FINANCE_GROUP = "Financiën"
ADMIN_GROUP = "Griffie"


@rules.predicate
def is_administrator(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _in_group(user, ADMIN_GROUP)


@rules.predicate
def is_finance(user: object) -> bool:
    return _in_group(user, FINANCE_GROUP)


@rules.predicate
def is_policy_officer(user: object) -> bool:
    return _in_group(user, POLICY_GROUP)


@rules.predicate
def is_assigned_to(user: object, program: Program | None) -> bool:
    if program is None or not getattr(user, "is_authenticated", False):
        return False
    slugs = getattr(user, "_assigned_program_slugs", None)
    if slugs is None:
        slugs = set(user.program_assignments.values_list("program_slug", flat=True))
        user._assigned_program_slugs = slugs  # cached for this request's user object
    return program.slug in slugs


@rules.predicate
def report_is_open(user: object, program: Program | None) -> bool:
    """Content can change until the council adopts the report."""
    return program is not None and program.report.status != ReportStatus.ADOPTED


def _in_group(user: object, name: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    groups = getattr(user, "_group_names", None)
    if groups is None:
        groups = set(user.groups.values_list("name", flat=True))
        user._group_names = groups
    return name in groups


is_staff_member = is_administrator | is_finance | is_policy_officer

# Policy staff: realisations, indicator values, developments and the reasoning of carry-overs.
rules.add_perm("programs.edit_policy_content", is_policy_officer & is_assigned_to & report_is_open)
# Finance: budget lines, investments and carry-overs of every program.
rules.add_perm("programs.edit_money", is_finance & report_is_open)
# The administrator (griffie): statuses, a new year, users and assignments.
rules.add_perm("programs.change_report_status", is_administrator)
rules.add_perm("programs.use_staff_pages", is_staff_member)
