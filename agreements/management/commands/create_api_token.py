"""Create (or revoke) API keys. Only a digest of each key is stored; the key is shown once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken


class Command(BaseCommand):
    help = "Print a new API key for USERNAME as the last line (or revoke the user's keys)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--revoke", action="store_true", help="Revoke every key of the user; create none."
        )

    def handle(self, *args, username, revoke, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user called {username!r}.") from None
        if revoke:
            count, _ = AuthToken.objects.filter(user=user).delete()
            self.stdout.write(f"Revoked {count} key(s) of {username}.")
            return
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.")
        instance, key = AuthToken.objects.create(user=user, expiry=None)
        self.stderr.write(
            f"Created a key for {username} (prefix {instance.token_key}); it is shown only once."
        )
        self.stdout.write(key)
