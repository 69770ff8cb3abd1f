"""The API against its own OpenAPI description, by schemathesis with every check.

A real server (pytest-django's live server) answers schemathesis's generated requests:
valid and invalid parameters, undeclared methods, malformed addresses. The parameters are
drawn from the published reports nine times in ten (a dictionary per parameter), so the
answers with data are checked as well as the 400s, 404s and 405s.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from indicators.models import Indicator
from investments.models import Investment
from programs.models import Activity, Goal, Program, Report

# Generated cases per operation and phase; 13 operations give several hundred requests.
MAX_EXAMPLES = 15


def _dictionaries() -> dict[str, list[Any]]:
    """The values that lead to published data, per path parameter of the description."""
    published = Report.objects.published()
    programs = Program.objects.filter(report__in=published)
    codes = {
        *Goal.objects.filter(program__in=programs).values_list("code", flat=True),
        *Activity.objects.filter(subgoal__goal__program__in=programs).values_list(
            "code", flat=True
        ),
        *Indicator.objects.filter(table__program__in=programs).values_list("code", flat=True),
    }
    return {
        "soort": sorted({r.kind for r in published}),
        "jaar": sorted({r.year for r in published}),
        "programma": sorted({p.slug for p in programs}),
        "code": sorted(codes),
        "kredietnummer": sorted(
            set(Investment.objects.filter(program__in=programs).values_list("number", flat=True))
        ),
    }


def _config(dictionaries: dict[str, list[Any]]) -> str:
    lines = [f"generation.max-examples = {MAX_EXAMPLES}", "[parameters]"]
    # Codes may hold letters (20.a), so a code made up at random almost never names an item.
    lines += [
        f'"path.{name}" = {{ dictionary = "{name}", probability = 0.9 }}' for name in dictionaries
    ]
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}"]
    return "\n".join(lines) + "\n"


@pytest.mark.django_db(transaction=True)
def test_the_api_passes_schemathesis_with_every_check(
    live_server: Any, seeded: dict[int, Report], budget_2023: Report, tmp_path: Path
) -> None:
    dictionaries = _dictionaries()
    assert all(dictionaries.values()), dictionaries  # both kinds, with data to find
    assert {"jaarstukken", "programmabegroting"} <= set(dictionaries["soort"])
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(dictionaries))
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "--config-file",
            str(config),
            "run",
            f"{live_server.url}/api/openapi.json",
            "--checks",
            "all",
            "--workers",
            "2",
            "--seed",
            "20261203",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false", "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    summary = result.stdout.split("SUMMARY")[-1]
    assert "Tested: 13" in summary  # every operation of the description
    assert "No issues found" in summary and "Missing test data" not in summary, summary
