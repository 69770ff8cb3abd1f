import pytest
from django.contrib.auth.models import User

from diemen_sociaal.seed import FIXTURES_DIR, load_report, read_seed
from programs.models import Report


@pytest.fixture
def report_2023(db: None) -> Report:
    report, _ = load_report(read_seed(FIXTURES_DIR / "jaarstukken-2023.yaml"))
    return report


@pytest.fixture
def report_2020(db: None) -> Report:
    report, _ = load_report(read_seed(FIXTURES_DIR / "jaarstukken-2020.yaml"))
    return report


@pytest.fixture
def seeded(report_2023: Report, report_2020: Report) -> dict[int, Report]:
    return {2023: report_2023, 2020: report_2020}


def _user(username: str, group: str, *, program: str | None = None) -> User:
    from programs.demo import ensure_role_groups
    from programs.models import ProgramAssignment

    groups = ensure_role_groups()
    user = User.objects.create_user(username, password="geheim-wachtwoord-1", is_staff=True)
    user.groups.add(groups[group])
    if program:
        ProgramAssignment.objects.create(user=user, program_slug=program)
    return user


@pytest.fixture
def policy_officer(db: None) -> User:
    """Policy staff assigned to program Sociaal."""
    return _user("beleid-sociaal", "Beleid", program="sociaal")


@pytest.fixture
def other_policy_officer(db: None) -> User:
    """Policy staff of another program (Veilig)."""
    return _user("beleid-veilig", "Beleid", program="veilig")


@pytest.fixture
def finance(db: None) -> User:
    return _user("controller", "Financiën")


@pytest.fixture
def administrator(db: None) -> User:
    return _user("griffier", "Griffie")


@pytest.fixture
def concept_2024(report_2023: Report) -> Report:
    """Jaarstukken 2024, started from 2023 as the administrator would."""
    from programs.new_year import start_new_year

    return start_new_year(source=report_2023)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Cached pages of adopted reports must not leak from one test's database into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _pdf_roots(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    """PDFs a test makes go to a fresh directory, never to the project's var/."""
    root = tmp_path_factory.mktemp("pdfs")
    settings.PUBLICATION_ROOT = root / "publications"
    settings.PDF_JOB_ROOT = root / "jobs"
