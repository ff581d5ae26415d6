from typing import Any

from django.core.management.base import BaseCommand

from glueweb.accounts import ensure_admin


class Command(BaseCommand):
    help = "Create the admin account on first start (DJANGO_SUPERUSER_USERNAME / _PASSWORD, or a random password)."

    def handle(self, *args: Any, **options: Any) -> None:
        account = ensure_admin()
        if not account.created:
            self.stdout.write(f"Admin account: {account.username} (exists already).")
        elif account.generated_password:
            self.stdout.write(
                self.style.WARNING(
                    f"Created admin account '{account.username}' with password: {account.generated_password}\n"
                    "  This is shown only once. Change it after signing in (/admin/password_change/)."
                )
            )
        else:
            self.stdout.write(
                f"Created admin account '{account.username}' with the password from DJANGO_SUPERUSER_PASSWORD."
            )
