"""Local demo accounts, one per role, all with the password "demo".

Never for production: the command refuses to run with DEBUG off.
"""

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction

from cycle.new_year import start_new_year
from programs.models import ProgramAssignment, Report

DEMO_PASSWORD = "demo"  # noqa: S105 - documented local demo password

# Group name -> (app_label, model) pairs the group may change in the admin; everyone with a
# role may view all. The content of a report (programs/, indicators/, investments/) is edited
# in the staff pages, which check the program assignment, the version and the freeze; the
# admin grants no rights to it, so it cannot be used to go around those checks.
ROLE_GROUPS = {
    "Beleid": [
        # Policy notes and projects (policy/): the admin, with history.
        ("policy", "policynote"),
        ("policy", "centralgoal"),
        ("policy", "goallink"),
        ("policy", "developmenttheme"),
        ("policy", "processgoal"),
        ("policy", "project"),
        ("policy", "projecttrack"),
        ("policy", "projectphase"),
        ("policy", "subject"),
        ("policy", "subjectgoal"),
    ],
    "Financiën": [
        ("policy", "financing"),
    ],
    # The P&C controller runs the cycle in the staff pages; in the admin, the assignments of
    # people to programs.
    "P&C-control": [
        ("programs", "programassignment"),
    ],
    # Users, roles and assignments; statuses change through the status page, not the admin.
    # The register of council documents is the griffie's.
    "Griffie": [
        ("auth", "user"),
        ("programs", "programassignment"),
        ("programs", "councildocument"),
        ("policy", "decisionpoint"),
        ("policy", "documentgoal"),
    ],
}
DEMO_USERS = [
    ("beleid", "Beleid", "Beleidsmedewerker", "Sociaal"),
    ("financien", "Financiën", "Financieel adviseur", "Sociaal domein"),
    ("control", "P&C-control", "P&C-controller", "Diemen"),
    ("griffie", "Griffie", "Griffier", "Diemen"),
]
APPS = ("programs", "indicators", "investments", "policy")


@transaction.atomic
def ensure_role_groups() -> dict[str, Group]:
    groups = {}
    view = Permission.objects.filter(content_type__app_label__in=APPS, codename__startswith="view_")
    for name, models in ROLE_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = list(view)
        for app_label, model in models:
            perms += Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__regex=r"^(add|change|delete)_",
            )
        group.permissions.set(perms)
        groups[name] = group
    return groups


@transaction.atomic
def create_demo_users() -> list[tuple[str, bool]]:
    groups = ensure_role_groups()
    result = []
    for username, group, first_name, last_name in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name, "is_staff": True},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(groups[group])
        if username == "beleid":
            ProgramAssignment.objects.get_or_create(user=user, program_slug="sociaal")
        result.append((username, created))
    return result


def start_demo_year() -> Report | None:
    """The concept Jaarstukken 2024, started from 2023, so the demo has real work to do."""
    source = Report.objects.filter(kind="jaarstukken", year=2023).first()
    if source is None or Report.objects.filter(kind="jaarstukken", year=2024).exists():
        return None
    return start_new_year(source=source)


@transaction.atomic
def close_demo_users() -> list[str]:
    """Close the demo accounts that still open with the demo password, before production.

    Closed, not deleted: what was recorded under them keeps its author in the history.
    """
    closed = []
    for user in User.objects.filter(username__in=[name for name, *_ in DEMO_USERS]):
        if user.is_active and user.check_password(DEMO_PASSWORD):
            user.set_unusable_password()
            user.is_active = False
            user.save(update_fields=["password", "is_active"])
            closed.append(user.username)
    return closed
