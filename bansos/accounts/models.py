from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Citizen and officer accounts. Roles and region scopes are attached by the accounts services."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
