"""Create (or update) an editor: a staff user in the ``editors`` group (``--publisher``: in
``publishers``), who can log in to the admin and write through the API, and print a new API
key for them as the last line."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from knox.models import AuthToken


class Command(BaseCommand):
    help = (
        "Create or update USERNAME as a staff editor (or publisher) and print a new API key "
        "as the last line. The admin password comes from --password or CMAT_PASSWORD; "
        "without either the user can use the API key but not log in to the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--publisher",
            action="store_true",
            help="Put the user in 'publishers' (also delete and publish) instead of 'editors'.",
        )
        parser.add_argument("--password", help="Admin password (default: $CMAT_PASSWORD).")
        parser.add_argument("--email", default="", help="E-mail address.")

    def handle(self, *args, username, publisher, password, email, **options):
        group_name = "publishers" if publisher else "editors"
        try:
            group = Group.objects.get(name=group_name)
        except Group.DoesNotExist:
            raise CommandError(f"No group {group_name!r}: run `migrate` first.") from None
        password = password or os.environ.get("CMAT_PASSWORD") or None
        User = get_user_model()
        with transaction.atomic():
            user, created = User.objects.get_or_create(
                **{User.USERNAME_FIELD: username}, defaults={"email": email}
            )
            user.is_staff = True
            user.is_active = True
            if password:
                user.set_password(password)
            elif created:
                user.set_unusable_password()
            user.save()
            user.groups.add(group)
            _, key = AuthToken.objects.create(user=user, expiry=None)
        login = (
            "can log in to /admin/"
            if user.has_usable_password()
            else ("has no admin password yet (give --password, or run changepassword)")
        )
        self.stderr.write(
            f"{'Created' if created else 'Updated'} {username}: staff, in {group_name}, {login}. "
            "The API key below is shown only once."
        )
        self.stdout.write(key)
