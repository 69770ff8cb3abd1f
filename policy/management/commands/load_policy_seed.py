from typing import Any

from django.core.management.base import BaseCommand

from policy.seed import load_all


class Command(BaseCommand):
    help = (
        "Load the policy notes, council documents and projects from fixtures/policy/*.yaml "
        "(after load_seed: they link to the reports); what exists is left alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for slug, written in load_all():
            verb = "loaded" if written else "already present, left alone"
            self.stdout.write(f"{slug}: {verb}")
