"""``manage.py iron_revoke_user_sessions``: log users out everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_iron_session.revocation import revoke_user_sessions

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class Command(BaseCommand):
    help = (
        "Log users out everywhere: every session they have now stops loading, on every "
        "device, through IRON_SESSION['REVOCATION_CACHE']. Their next log-in works as usual. "
        "Users are named by username, or by primary key with --pk; none is revoked unless "
        "all exist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("users", nargs="+", metavar="USER", help="A username (or a pk).")
        parser.add_argument(
            "--pk", action="store_true", help="Name users by primary key, not username."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        users = [_find_user(name, by_pk=options["pk"]) for name in options["users"]]
        for user in users:
            try:
                revoke_user_sessions(user)
            except ImproperlyConfigured as error:
                raise CommandError(str(error)) from None
            except Exception as error:  # the cache's own error: redis, memcached, sockets
                raise CommandError(
                    f"Cannot write to the revocation cache ({type(error).__name__}: {error}); "
                    f"{user.get_username()!r} and the users after it are not revoked."
                ) from None
            self.stdout.write(f"Revoked every session of {user.get_username()!r}.")


def _find_user(name: str, *, by_pk: bool) -> AbstractBaseUser:
    model = get_user_model()
    try:
        if by_pk:
            return model._default_manager.get(pk=name)
        return model._default_manager.get_by_natural_key(name)
    except (model.DoesNotExist, ValueError, ValidationError):
        raise CommandError(f"No user {name!r}; nobody was revoked.") from None
