import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Make sure a superuser named 'admin' exists. Its password comes from "
        "DJANGO_SUPERUSER_PASSWORD, or is generated and printed this once. An existing account "
        "is left as it is."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(username=USERNAME).exists():
            self.stdout.write(f"The admin account '{USERNAME}' exists; its password is unchanged.")
            return
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(USERNAME, email="", password=password)
        if os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
            self.stdout.write(
                f"Created the admin account '{USERNAME}' with the password in "
                "DJANGO_SUPERUSER_PASSWORD."
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"Created the admin account '{USERNAME}' with the password {password} "
                    "(shown only this once: keep it, or set DJANGO_SUPERUSER_PASSWORD next time)."
                )
            )
