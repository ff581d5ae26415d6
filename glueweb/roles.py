"""Roles as Django groups, and the permission checks that enforce them.

viewer reads; editor changes definitions; operator starts and stops runs;
admin manages users and settings. A user may hold several roles; a
superuser holds every capability.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission, PermissionsMixin
from django.db.models.signals import post_migrate
from rest_framework.permissions import SAFE_METHODS, BasePermission

if TYPE_CHECKING:  # DRF's views import this module through its settings: no runtime import
    from rest_framework.request import Request
    from rest_framework.views import APIView

Capability = Literal["view", "edit", "operate", "administer"]
CAPABILITIES: tuple[Capability, ...] = ("view", "edit", "operate", "administer")

ROLES: dict[str, tuple[Capability, ...]] = {
    "viewer": ("view",),
    "editor": ("view", "edit"),
    "operator": ("view", "operate"),
    "admin": ("view", "edit", "operate", "administer"),
}


def has_capability(user: AbstractBaseUser | AnonymousUser | None, capability: Capability) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return cast(PermissionsMixin, user).has_perm(f"glueweb.{capability}")


def capabilities_of(user: AbstractBaseUser | AnonymousUser) -> dict[str, bool]:
    return {cap: has_capability(user, cap) for cap in CAPABILITIES}


def roles_of(user: AbstractBaseUser | AnonymousUser) -> list[str]:
    if not user.is_authenticated:
        return []
    if getattr(user, "is_superuser", False):
        return ["admin"]
    names = cast(PermissionsMixin, user).groups.values_list("name", flat=True)
    return sorted(name for name in names if name in ROLES)


def ensure_roles(**_: Any) -> None:
    """Create the role groups with their permissions (idempotent; runs after migrate)."""
    permissions = {p.codename: p for p in Permission.objects.filter(content_type__app_label="glueweb")}
    missing = [cap for cap in CAPABILITIES if cap not in permissions]
    if missing:
        return  # the glueweb migration has not run yet
    for role, caps in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set([permissions[cap] for cap in caps])


def connect_signals() -> None:
    post_migrate.connect(ensure_roles, dispatch_uid="glueweb.ensure_roles")


class RolePermission(BasePermission):
    """Default API permission: signed in, and holding the capability the method needs.

    Reads need `view`; writes need `edit`. A view may set `required_capability`
    (one capability for every method) or `capability_by_method`.
    """

    message = "You do not have the role this action needs."

    def required(self, request: Request, view: APIView) -> Capability:
        by_method: dict[str, Capability] = getattr(view, "capability_by_method", {})
        if request.method in by_method:
            return by_method[request.method]
        fixed: Capability | None = getattr(view, "required_capability", None)
        if fixed:
            return fixed
        return "view" if request.method in SAFE_METHODS else "edit"

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        capability = self.required(request, view)
        if has_capability(request.user, capability):
            return True
        self.message = f"This action needs the '{capability}' capability, which your roles do not give."
        return False
