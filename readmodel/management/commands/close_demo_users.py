from typing import Any

from django.core.management.base import BaseCommand

from readmodel.demo import close_demo_users


class Command(BaseCommand):
    help = (
        "Close the demo accounts (beleid, financien, control, griffie) that still have the "
        "password 'demo': no password and inactive, their history kept. Production refuses "
        "to start while one is open."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        closed = close_demo_users()
        if not closed:
            self.stdout.write("no demo account with the demo password")
        for username in closed:
            self.stdout.write(f"demo account {username}: closed")
