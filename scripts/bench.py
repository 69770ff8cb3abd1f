"""`make bench`: measure pages, HTTP throughput and PDFs, and write BENCHMARKS.md.

Runs against its own SQLite database in var/ (never the development one),
filled with the seed reports and a synthetic municipality of ten programs
over eight years. Uses only public tools: Django's test client for server
time and query counts, gunicorn and wrk for HTTP throughput on loopback,
WeasyPrint for PDFs. Every figure is printed with its same-run baseline.
"""

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DB = VAR / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diemen_sociaal.settings")
sys.path.insert(0, str(ROOT))

# An adopted report's pages come from the cache; a query string makes the view render them,
# so "rendered" is the cost of a page the first time, "cached" every time after.
SEED_PAGES = {
    "chapter (cached)": "/jaarstukken/2023/sociaal/",
    "chapter (rendered)": "/jaarstukken/2023/sociaal/?render=1",
    "goal": "/jaarstukken/2023/sociaal/doelstelling/3/",
    "indicator trend": "/jaarstukken/2023/sociaal/indicator/3.1.3/",
    "search": "/zoeken/?q=jongeren",
}
SCALE_PAGES = {
    "chapter (cached)": "/jaarstukken/2016/programma-05/",
    "chapter (rendered)": "/jaarstukken/2016/programma-05/?render=1",
    "goal": "/jaarstukken/2016/programma-05/doelstelling/3/",
    "indicator trend": "/jaarstukken/2016/programma-05/indicator/3.1.4/",
    "search": "/zoeken/?q=jeugd",
}
REQUESTS = 40
API = "/api/jaarstukken/2023/sociaal/indicatoren/"


def setup_database() -> None:
    VAR.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    _manage("migrate", "--noinput", "-v0")
    _manage("load_seed")
    _manage("load_policy_seed")
    _manage("create_demo_users")
    # Half the size, one year: does the whole-report PDF grow linearly with its pages?
    _manage("generate_municipality", "--programs", "5", "--years", "2", "--first-year", "2030")
    _manage("generate_municipality", "--programs", "10", "--years", "8", "--first-year", "2010")


def _manage(*args: str) -> None:
    """A management command in a process of its own, quiet unless it fails."""
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], stdout=subprocess.DEVNULL, check=True
    )


def measure_pages(pages: dict[str, str], worklist: str) -> list[tuple[str, float, float, int]]:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    staff = Client()
    staff.force_login(User.objects.get(username="financien"))
    rows = []
    for name, (who, url) in {
        **{k: (client, v) for k, v in pages.items()},
        "staff worklist": (staff, worklist),
    }.items():
        for _ in range(3):
            assert who.get(url).status_code == 200, url
        times = []
        for _ in range(REQUESTS):
            start = time.perf_counter()
            who.get(url)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            who.get(url)
        p95 = statistics.quantiles(times, n=20)[18]
        rows.append((name, statistics.median(times), p95, len(queries)))
    return rows


def measure_http(url_path: str) -> dict[str, Any] | None:
    """Throughput and latency of a page under gunicorn, against a static file of the same size.

    Both are served by the same gunicorn (the static file by WhiteNoise), so the ratio is the
    price of Django. During the run of the rendered page, two editors keep saving an activity
    of the concept report in the same database: nothing they save may be lost or refused.
    """
    if shutil.which("wrk") is None:
        return None
    import django.test

    static_root = VAR / "bench-static"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-for-production-use-0123456789",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
    }
    # Production settings serve hashed static files, so they must be collected first.
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    body = django.test.Client().get(url_path).content
    (static_root / "bench").mkdir(exist_ok=True)
    (static_root / "bench" / "chapter-copy.html").write_bytes(body)
    port = "8765"
    base = f"http://127.0.0.1:{port}"
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "diemen_sociaal.wsgi:application", "-b", f"127.0.0.1:{port}"]
        + ["-w", "2", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_ok(f"{base}{url_path}")
        _wait_until_ok(f"{base}/static/bench/chapter-copy.html")
        _wait_until_ok(f"{base}{API}")
        cached = _wrk(f"{base}{url_path}")
        with Editors() as editors:
            rendered = _wrk(f"{base}{url_path}?render=1")
            api = _wrk(f"{base}{API}")
        static = _wrk(f"{base}/static/bench/chapter-copy.html")
        crowd = _during_pdf_crowds(base, url_path)
    finally:
        server.terminate()
        server.wait(10)
    return {
        "cached": cached,
        "rendered": rendered,
        "api": api,
        "static": static,
        "bytes": len(body),
        "editors": editors.result,
        "crowd": crowd,
    }


CROWD = 20
OFFERED_CHAPTER = "/jaarstukken/2031/programma-01/pdf/"


def _during_pdf_crowds(base: str, url_path: str) -> dict[str, Any]:
    """The public page under wrk while crowds of anonymous readers ask for a chapter PDF.

    Round after round, CROWD readers ask at the same moment for the chapter PDF of an
    offered report (the 5-program report of 2031, offered for this run). Before each
    round the report's content changes, so every round needs a new layout: the worst
    case. Each round must give every reader the same file, made once.
    """
    import threading
    from collections import Counter
    from concurrent.futures import ThreadPoolExecutor

    from django.db.models import F

    from programs.models import Report, ReportStatus

    report = Report.objects.filter(kind="jaarstukken", year=2031)
    report.update(status=ReportStatus.OFFERED)
    stop = threading.Event()
    rounds: list[dict[str, Any]] = []

    def crowds() -> None:
        with ThreadPoolExecutor(CROWD) as pool:
            while not stop.is_set():
                report.update(content_version=F("content_version") + 1)
                started = time.perf_counter()
                answers = list(pool.map(_fetch, [base + OFFERED_CHAPTER] * CROWD))
                rounds.append(
                    {
                        "seconds": time.perf_counter() - started,
                        "statuses": Counter(status for status, _body in answers),
                        "files": len({body for status, body in answers if status == 200}),
                    }
                )

    thread = threading.Thread(target=crowds)
    try:
        thread.start()
        page = _wrk(f"{base}{url_path}")
    finally:
        stop.set()
        thread.join(120)
        report.update(status=ReportStatus.CONCEPT)
    statuses: Counter[int] = Counter()
    for row in rounds:
        statuses.update(row["statuses"])
    return {
        "page": page,
        "rounds": len(rounds),
        "round_median_s": statistics.median(row["seconds"] for row in rounds),
        "statuses": dict(statuses),
        "one_file_per_round": all(row["files"] == 1 for row in rounds),
    }


def _fetch(url: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def _wait_until_ok(url: str) -> None:
    """A benchmark of error pages would flatter nobody: the URL must answer 200 first."""
    import urllib.error
    import urllib.request

    for _ in range(60):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
                assert response.status == 200, url
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer")


def _wrk(url: str) -> dict[str, float]:
    """Requests per second and latency percentiles. Bounded: 10 s, 4 connections, loopback."""
    out = subprocess.run(
        ["wrk", "-t2", "-c4", "-d10s", "--timeout", "5s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = {}
    for line in out.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec"):
            result["rps"] = float(parts[1])
        elif len(parts) == 2 and parts[0] in ("50%", "99%"):
            result[parts[0]] = _ms(parts[1])
        elif "Non-2xx or 3xx responses" in line:
            result["errors"] = float(parts[-1])
    result.setdefault("errors", 0.0)
    return result


def _ms(text: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


class Editors:
    """Two policy officers saving one activity of the concept report, in turn, during load.

    Each save sends the version it read, as the form does; a refused save (409) would mean
    an editor lost work to the load, a 500 that the database gave way.
    """

    def __init__(self) -> None:
        import threading

        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.result: dict[str, Any] = {}

    def __enter__(self) -> "Editors":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(60)

    def run(self) -> None:
        from django.contrib.auth.models import User
        from django.db import connections
        from django.test import Client

        from programs.models import Activity

        url = "/beheer/jaarstukken/2024/sociaal/activiteit/1.1.1/"
        clients = []
        for name in ("beleid", "beleid"):
            client = Client()
            client.force_login(User.objects.get(username=name))
            clients.append(client)
        statuses: dict[int, int] = {}
        last = ""
        saves = 0
        started = time.perf_counter()
        while not self.stop.is_set():
            client = clients[saves % 2]
            version = Activity.objects.get(
                subgoal__goal__program__report__year=2024, code="1.1.1"
            ).version
            last = f"Opgeslagen tijdens de belasting, nummer {saves}."
            status = client.post(url, {"realisation": last, "version": version}).status_code
            statuses[status] = statuses.get(status, 0) + 1
            saves += 1
        seconds = time.perf_counter() - started
        stored = Activity.objects.get(subgoal__goal__program__report__year=2024, code="1.1.1")
        connections.close_all()
        self.result = {
            "saves": saves,
            "per_second": saves / seconds if seconds else 0.0,
            "statuses": statuses,
            "kept": stored.realisation == last,
        }


def run_child(what: str) -> dict[str, Any]:
    """Run one measurement in a fresh process, so its peak memory is its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", what],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def child(what: str) -> None:
    import django

    django.setup()
    kind, _, argument = what.partition(":")
    result = child_bomb(argument) if kind == "bomb" else CHILDREN[what]()
    result["peak_mb"] = own_peak_mb()
    print(json.dumps(result))


def own_peak_mb() -> float:
    """This process's peak resident memory since it started its program.

    Linux keeps ru_maxrss across exec, so a child started from a large parent would
    report the parent's peak; VmHWM belongs to the program's own address space.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pdf_of(render: Any) -> dict[str, Any]:
    import io

    from pypdf import PdfReader

    start = time.perf_counter()
    _, _, data = render()
    seconds = time.perf_counter() - start
    pages = len(PdfReader(io.BytesIO(data)).pages)
    return {"seconds": seconds, "pages": pages}


def _warm() -> None:
    """Fonts and templates loaded once, and the layout processes started, as in a
    long-lived worker."""
    from programs.models import Program
    from publishing import pdf, pdf_worker

    pdf.render_chapter_pdf(Program.objects.get(report__kind="jaarstukken", report__year=2020))
    small = "<html lang='nl'><title>x</title><p>Opwarmen</p></html>"
    pdf_worker.lay_out_all([(small, True)] * pdf_worker.processes() * 2)


def child_chapter() -> dict[str, Any]:
    from programs.models import Program
    from publishing import pdf

    _warm()
    chapter = Program.objects.get(report__kind="jaarstukken", report__year=2023, slug="sociaal")
    return _pdf_of(lambda: pdf.render_chapter_pdf(chapter))


def _whole(year: int) -> dict[str, Any]:
    from programs.models import Report
    from publishing import pdf, pdf_worker

    _warm()
    report = Report.objects.get(kind="jaarstukken", year=year)
    result = _pdf_of(lambda: pdf.render_report_pdf(report))
    # The layout processes' own peak, once they have stopped and been waited for.
    pdf_worker.shutdown_pool()
    result["worker_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


def child_bare() -> dict[str, Any]:
    """WeasyPrint alone on the same HTML as the 10-program report, with the same options."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from programs.models import Report
    from publishing import pdf, pdf_fetcher, pdf_worker

    _warm()
    report = Report.objects.get(kind="jaarstukken", year=2016)
    programs = list(report.programs.select_related("report"))
    html = render_to_string(pdf.TEMPLATE, pdf._document_context(report, programs, title="x"))
    source = HTML(
        string=html, base_url=pdf_worker.BASE_URL, url_fetcher=pdf_fetcher.StaticFilesFetcher()
    )
    options = pdf_worker.TAGGED
    return _pdf_of(lambda: ("", "", source.write_pdf(**options)))


def child_import() -> dict[str, Any]:
    """10,000 budget lines (x € 1.000) from CSV into the concept report: read, check, write."""
    from django.contrib.auth.models import User

    from diemen_sociaal.lib import spreadsheets
    from diemen_sociaal.lib.costs import ACCOUNT_COLUMNS
    from programs.models import Report
    from staff.imports import BUDGET, SAME, apply_import, build_plan

    report = Report.objects.get(kind="jaarstukken", year=2017)
    user = User.objects.get(username="financien")
    programs = list(report.programs.values_list("slug", flat=True))
    header = ["verslagjaar", "programma", "aard", "soort", "omschrijving"]
    header += ACCOUNT_COLUMNS
    rows: list[list[str | int]] = [
        [
            2017,
            programs[n % len(programs)],
            "incidenteel",
            "lasten",
            f"Importregel {n:05d}",
            -(n % 97),
            -(n % 89),
            -(n % 83),
            -(n % 79),
        ]
        for n in range(10_000)
    ]
    content = spreadsheets.csv_bytes(header, rows)
    start = time.perf_counter()
    table = spreadsheets.read_table(content, "begroting.csv")
    plan = build_plan(report=report, kind=BUDGET, table=table, user=user)
    checked = time.perf_counter() - start
    assert not plan.errors, plan.errors[:3]
    start = time.perf_counter()
    apply_import(report=report, kind=BUDGET, table=table, user=user, expected=plan.digest)
    written = time.perf_counter() - start
    again = build_plan(report=report, kind=BUDGET, table=table, user=user)
    unchanged = sum(1 for change in again.changes if change.action == SAME)
    return {"rows": len(rows), "check_s": checked, "write_s": written, "unchanged": unchanged}


def child_bomb(path: str) -> dict[str, Any]:
    """One upload bomb, read from a file the parent wrote, refused as the import page would."""
    from diemen_sociaal.lib import spreadsheets

    content = Path(path).read_bytes()
    start = time.perf_counter()
    try:
        spreadsheets.read_table(content, "bom.xlsx")
    except spreadsheets.SpreadsheetError as error:
        return {"seconds": time.perf_counter() - start, "message": str(error)}
    raise AssertionError("the bomb was read")


def measure_bombs() -> list[tuple[str, dict[str, Any]]]:
    """Each upload bomb of the tests, refused in a fresh process: time and peak memory."""
    from tests.lib.test_xlsx_bounds import BOMBS, bomb

    results = []
    with tempfile.TemporaryDirectory() as folder:
        for name in BOMBS:
            path = Path(folder) / "bom.xlsx"
            path.write_bytes(bomb(name))
            results.append((name, run_child(f"bomb:{path}") | {"bytes": path.stat().st_size}))
    return results


CHILDREN = {
    "chapter": child_chapter,
    "whole-5": lambda: _whole(2030),
    "whole-10": lambda: _whole(2016),
    "bare-10": child_bare,
    "import": child_import,
}


def measure_pdf() -> list[tuple[str, dict[str, Any]]]:
    return [
        ("chapter 2023 (seed)", run_child("chapter")),
        ("whole report, 5 programs", run_child("whole-5")),
        ("whole report, 10 programs", run_child("whole-10")),
        ("bare WeasyPrint, same HTML as 10 programs", run_child("bare-10")),
    ]


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    setup_database()
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    seed = measure_pages(SEED_PAGES, "/beheer/jaarstukken/2024/werklijst/")
    scale = measure_pages(SCALE_PAGES, "/beheer/jaarstukken/2017/werklijst/")
    http = measure_http(SEED_PAGES["chapter (cached)"])
    pdfs = measure_pdf()
    imported = run_child("import")
    bombs = measure_bombs()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    write_report(seed, scale, http, pdfs, imported, bombs, peak)
    print((ROOT / "BENCHMARKS.md").read_text())


def write_report(
    seed: list[tuple[str, float, float, int]],
    scale: list[tuple[str, float, float, int]],
    http: dict[str, Any] | None,
    pdfs: list[tuple[str, dict[str, Any]]],
    imported: dict[str, Any],
    bombs: list[tuple[str, dict[str, Any]]],
    peak: float,
) -> None:
    import django
    import weasyprint

    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (scripts/bench.py), from one run on the machine below.",
        "Quote medians and ratios: shared machines are noisy.",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        f"- Python {platform.python_version()}, Django {django.get_version()}, "
        f"WeasyPrint {weasyprint.__version__}, SQLite database",
        "- scale data: 10 programs the size of the 2023 Sociaal chapter, 8 years",
        "",
        "## Server time per page (Django test client, in-process)",
        "",
        "| page | data | median ms | p95 ms | SQL queries |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for label, rows in (("seed", seed), ("10 programs", scale)):
        lines += [f"| {n} | {label} | {m:.1f} | {p:.1f} | {q} |" for n, m, p, q in rows]
    lines += [
        "",
        "Targets: chapter p50 ≤ 10 ms on the seed data, ≤ 30 ms at ten-program scale.",
        "",
        "## HTTP (gunicorn, 2 workers; wrk, 2 threads, 4 connections, 10 s each, loopback)",
        "",
    ]
    if http:
        lines += [
            "| what | requests/s | p50 ms | p99 ms | non-2xx |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for label, key in (
            ("chapter page, adopted (cached)", "cached"),
            ("chapter page, rendered, while two editors save", "rendered"),
            (f"API: the chapter's indicators ({API}), while two editors save", "api"),
            (f"static file of the same size ({http['bytes']:,} bytes, WhiteNoise)", "static"),
        ):
            row = http[key]
            lines.append(
                f"| {label} | {row['rps']:.0f} | {row.get('50%', 0):.1f} | "
                f"{row.get('99%', 0):.1f} | {row['errors']:.0f} |"
            )
        editors = http["editors"]
        crowd = http["crowd"]
        page = crowd["page"]
        lines += [
            "",
            f"Ratio static/page: {http['static']['rps'] / http['cached']['rps']:.1f} cached, "
            f"{http['static']['rps'] / http['rendered']['rps']:.1f} rendered.",
            "",
            f"Editors during the rendered and API runs: {editors.get('saves', 0)} saves "
            f"({editors.get('per_second', 0):.1f}/s), answers {editors.get('statuses')}, "
            f"last save kept: {'yes' if editors.get('kept') else 'NO'}.",
            "",
            f"### The public page while {CROWD} anonymous readers at once ask for a chapter PDF",
            "",
            f"Round after round, {CROWD} parallel requests for `{OFFERED_CHAPTER}` of an offered",
            "report, its content changed before each round, so each round needs a new layout",
            "(the worst case), while wrk asks for the cached chapter page as above.",
            "",
            "| what | requests/s | p50 ms | p99 ms | non-2xx |",
            "| --- | ---: | ---: | ---: | ---: |",
            f"| chapter page, adopted (cached), quiet | {http['cached']['rps']:.0f} | "
            f"{http['cached'].get('50%', 0):.1f} | {http['cached'].get('99%', 0):.1f} | "
            f"{http['cached']['errors']:.0f} |",
            f"| the same page during the crowds | {page['rps']:.0f} | {page.get('50%', 0):.1f} | "
            f"{page.get('99%', 0):.1f} | {page['errors']:.0f} |",
            "",
            f"{crowd['rounds']} rounds of {CROWD}, median {crowd['round_median_s']:.2f} s until "
            f"every reader of a round had an answer; answers {crowd['statuses']} (200: the file, "
            "laid out by the first reader; 503: 'wordt gemaakt', ask again in 5 s, without "
            "holding a web worker); every 200 of a round the same file: "
            f"{'yes' if crowd['one_file_per_round'] else 'NO'}.",
        ]
    else:
        lines.append("wrk is not installed (apt-get install wrk); not measured.")
    lines += [
        "",
        "## PDF (each in a fresh process, warmed on one small chapter first)",
        "",
        "The whole report is laid out chapter by chapter by the layout processes (one per",
        "core) and joined with pikepdf; the bare WeasyPrint row is the same report as one",
        "document in one process, the baseline of the same run.",
        "",
        "| document | seconds | pages | ms per page | peak MB | peak MB per layout process |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in pdfs:
        per_page = row["seconds"] * 1000 / row["pages"]
        worker = f"{row['worker_peak_mb']:.0f}" if "worker_peak_mb" in row else "–"
        lines.append(
            f"| {name} | {row['seconds']:.2f} | {row['pages']} | {per_page:.0f} | "
            f"{row['peak_mb']:.0f} | {worker} |"
        )
    pdf_rows = dict(pdfs)
    whole, bare = (
        pdf_rows.get("whole report, 10 programs"),
        pdf_rows.get("bare WeasyPrint, same HTML as 10 programs"),
    )
    chapter = pdf_rows.get("chapter 2023 (seed)")
    if whole and bare and chapter:
        per_page = {key: row["seconds"] / row["pages"] for key, row in pdf_rows.items()}
        lines += [
            "",
            f"Whole report against one piece: {bare['seconds'] / whole['seconds']:.2f} times "
            f"as fast. Ms per page of the whole report against the chapter: "
            f"{per_page['whole report, 10 programs'] / per_page['chapter 2023 (seed)']:.2f}.",
        ]
    lines += [
        "",
        "## Import (10,000 budget lines from CSV, in a fresh process)",
        "",
        f"Read and checked in {imported['check_s']:.2f} s, written in {imported['write_s']:.2f} s "
        f"(all or nothing, one transaction); the same file again: {imported['unchanged']:,} of "
        f"{imported['rows']:,} rows unchanged. Peak memory {imported['peak_mb']:.0f} MB.",
        "",
        "## Upload bombs (refused before openpyxl, each in a fresh process)",
        "",
        "Peak memory includes the process's own Django (about the same for every row).",
        "",
        "| workbook | file KB | refused in ms | peak MB |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {name} | {row['bytes'] / 1024:.0f} | {row['seconds'] * 1000:.0f} | "
        f"{row['peak_mb']:.0f} |"
        for name, row in bombs
    ]
    lines += [
        "",
        f"Peak memory of the benchmark process itself: {peak:.0f} MB.",
        "",
    ]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
