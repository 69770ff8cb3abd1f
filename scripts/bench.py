"""`make bench`: measure pages, HTTP throughput and PDFs, and write BENCHMARKS.md.

Runs against its own SQLite database in var/ (never the development one),
filled with the seed reports and a synthetic municipality of ten programs
over eight years. Uses only public tools: Django's test client for server
time and query counts, gunicorn and wrk for HTTP throughput on loopback,
WeasyPrint for PDFs. Every figure is printed with its same-run baseline.
"""

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

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DB = VAR / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diemen_sociaal.settings")
sys.path.insert(0, str(ROOT))

SEED_PAGES = {
    "chapter": "/jaarstukken/2023/sociaal/",
    "goal": "/jaarstukken/2023/sociaal/doelstelling/3/",
    "indicator trend": "/jaarstukken/2023/sociaal/indicator/3.1.3/",
    "search": "/zoeken/?q=jongeren",
}
SCALE_PAGES = {
    "chapter": "/jaarstukken/2016/programma-05/",
    "goal": "/jaarstukken/2016/programma-05/doelstelling/3/",
    "indicator trend": "/jaarstukken/2016/programma-05/indicator/3.1.4/",
    "search": "/zoeken/?q=jeugd",
}
REQUESTS = 40


def setup_database() -> None:
    VAR.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    manage = [sys.executable, str(ROOT / "manage.py")]
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], **quiet)
    subprocess.run([*manage, "load_seed"], **quiet)
    subprocess.run([*manage, "create_demo_users"], **quiet)
    subprocess.run(
        [
            *manage,
            "generate_municipality",
            "--programs",
            "10",
            "--years",
            "8",
            "--first-year",
            "2010",
        ],
        **quiet,
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


def measure_http(url_path: str) -> dict[str, float] | None:
    """Throughput of a page under gunicorn, against a static file of the same size."""
    if shutil.which("wrk") is None:
        return None
    import django.test

    body = django.test.Client().get(url_path).content
    static_root = Path(tempfile.mkdtemp(prefix="bench-static-"))
    (static_root / "chapter-copy.html").write_bytes(body)
    port = "8765"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-for-production-use-0123456789",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(VAR / "bench-static"),
    }
    # Production settings serve hashed static files, so they must be collected first.
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "diemen_sociaal.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    static = subprocess.Popen(
        [sys.executable, "-m", "http.server", "8766", "-b", "127.0.0.1", "-d", str(static_root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)
        _check_ok(f"http://127.0.0.1:{port}{url_path}")
        page = _wrk(f"http://127.0.0.1:{port}{url_path}")
        same_size = _wrk("http://127.0.0.1:8766/chapter-copy.html")
    finally:
        server.terminate()
        static.terminate()
        server.wait(10)
        static.wait(10)
        shutil.rmtree(static_root)
    return {"page": page, "static": same_size, "bytes": len(body)}


def _check_ok(url: str) -> None:
    """A benchmark of error pages would flatter nobody: the page must answer 200 first."""
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        assert response.status == 200, url


def _wrk(url: str) -> float:
    # Bounded: 10 seconds, 4 connections, loopback only.
    out = subprocess.run(
        ["wrk", "-t2", "-c4", "-d10s", "--timeout", "5s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("Requests/sec"))
    return float(line.split()[1])


def measure_pdf() -> list[tuple[str, float, int, float]]:
    """Seconds, pages and ms per page of each PDF in a warm process, and bare WeasyPrint."""
    try:
        from programs import pdf
    except ImportError:
        return []
    import io

    from pypdf import PdfReader

    from programs.models import Program, Report

    chapter = Program.objects.get(report__year=2023, slug="sociaal")
    big = Report.objects.get(year=2016)
    pdf.render_chapter_pdf(chapter)  # warm the worker: fonts, templates
    rows = []
    for name, render in (
        ("chapter 2023 (seed)", lambda: pdf.render_chapter_pdf(chapter)),
        ("whole report, 10 programs", lambda: pdf.render_report_pdf(big)),
    ):
        start = time.perf_counter()
        _, _, data = render()
        seconds = time.perf_counter() - start
        pages = len(PdfReader(io.BytesIO(data)).pages)
        rows.append((name, seconds, pages, seconds * 1000 / pages))
    return rows


def main() -> None:
    setup_database()
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    seed = measure_pages(SEED_PAGES, "/beheer/jaarstukken/2024/werklijst/")
    scale = measure_pages(SCALE_PAGES, "/beheer/jaarstukken/2017/werklijst/")
    http = measure_http(SEED_PAGES["chapter"])
    pdfs = measure_pdf()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    write_report(seed, scale, http, pdfs, peak)
    print((ROOT / "BENCHMARKS.md").read_text())


def write_report(seed: list, scale: list, http: dict | None, pdfs: list, peak: float) -> None:
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
    ]
    lines += ["## HTTP throughput (gunicorn, 2 workers; wrk, 4 connections, 10 s, loopback)", ""]
    if http:
        ratio = http["page"] / http["static"]
        lines += [
            "| what | requests/s |",
            "| --- | ---: |",
            f"| chapter page (uncached) | {http['page']:.0f} |",
            f"| static file of the same size ({http['bytes']:,} bytes, python http.server) "
            f"| {http['static']:.0f} |",
            "",
            f"Ratio page/static: {ratio:.2f}.",
        ]
    else:
        lines.append("wrk is not installed (apt-get install wrk); not measured.")
    lines += ["", "## PDF (warm process)", ""]
    if pdfs:
        lines += ["| document | seconds | pages | ms per page |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| {n} | {s:.2f} | {p} | {ms:.0f} |" for n, s, p, ms in pdfs]
    else:
        lines.append("The PDF renderer is not available in this build; not measured.")
    lines += ["", f"Peak memory of the benchmark process: {peak:.0f} MB.", ""]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
