"""The admin site, scoped like every page and API operation (issue 13): one center's staff see and choose only
their center's rows there, and reads of customer data leave an audit record.

Every ModelAdmin registered on the site gets `CenterScoped` mixed in by `ScopedAdminSite.register`, so an app's
admin.py cannot forget it: its change list and change pages show only the rows of the logged-in staff member's
center, and its foreign-key and many-to-many choices only that center's rows. The lookup from a model to its center
is found from the model (`center_path`): "center", "order__center", "user__staff__center"... Data of no center
(skills, the national working calendar, login attempts) is shown as it is. A superuser without a staff record (the
installation's owner) sees every center; a user with neither sees nothing.

A ModelAdmin that shows customer data sets `audit_type` ("tickets.order"): each change list and change page then
writes a read record with the ids shown.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows shown in the admin site and changed only through services (audit records, the diary, known callers, shift
    templates kept in step with the shift calendar)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def center_path(model, depth: int = 2) -> str | None:
    """The lookup from `model` to its org.Center, through at most `depth` forward keys (non-null ones first), or
    None for data that belongs to no center."""
    from django.contrib.auth import get_user_model

    from kefu.org.models import Center

    if model is Center:
        return "pk"
    if model is get_user_model():
        return "staff__center"
    fields = sorted(
        (f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)),
        key=lambda f: f.null,
    )
    for field in fields:
        if field.related_model is Center:
            return field.name
    if depth <= 1:
        return None
    for field in fields:
        if field.related_model is model:
            continue
        inner = center_path(field.related_model, depth - 1)
        if inner is not None and inner != "pk":
            return f"{field.name}__{inner}"
    return None


def staff_center_id(request) -> int | None:
    staff = getattr(request.user, "staff", None) if request.user.is_authenticated else None
    return staff.center_id if staff is not None else None


def scoped(queryset, request):
    """`queryset` limited to the request's staff member's center (see the module's docstring)."""
    path = center_path(queryset.model)
    center_id = staff_center_id(request)
    if center_id is None:
        return queryset if request.user.is_superuser else queryset.none()
    if path is None:
        return queryset
    return queryset.filter(**{path: center_id})


def _scoped_choices(field, request):
    if field is not None and getattr(field, "queryset", None) is not None:
        field.queryset = scoped(field.queryset, request)
    return field


class CenterScoped:
    """Mixed into every ModelAdmin of the site (ScopedAdminSite.register)."""

    # An admin that shows customer data sets `audit_type`; it is read with getattr, since this class comes first in
    # the scoped class's bases and a default here would hide the admin's own.

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request)

    def get_list_filter(self, request):
        """A filter by a related model offers only the related rows of the rows shown (the center's), not every
        center's departments and teams."""
        found = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and "__" not in entry:
                field = self.model._meta.get_field(entry)
                if field.is_relation:
                    entry = (entry, admin.RelatedOnlyFieldListFilter)
            found.append(entry)
        return found

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _scoped_choices(super().formfield_for_foreignkey(db_field, request, **kwargs), request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _scoped_choices(super().formfield_for_manytomany(db_field, request, **kwargs), request)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        rows = getattr(response, "context_data", None) or {}
        shown = rows.get("cl")
        if getattr(self, "audit_type", None) and shown is not None and shown.result_list:
            from kefu.audit.services import record_read

            record_read(
                request,
                object_type=self.audit_type,
                ids=[obj.pk for obj in shown.result_list],
                channel="admin",
                note="后台列表",
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if (
            getattr(self, "audit_type", None)
            and getattr(response, "status_code", 200) == 200
            and self.get_queryset(request).filter(pk=object_id).exists()
        ):
            from kefu.audit.services import record_read

            record_read(request, object_type=self.audit_type, ids=[object_id], channel="admin", note="后台详情")
        return response


class ScopedAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, CenterScoped):
            base = type(base.__name__, (CenterScoped, base), {"__module__": base.__module__, "__doc__": base.__doc__})
        return super().register(model_or_iterable, base, **options)


class KefuAdminConfig(AdminConfig):
    """django.contrib.admin with ScopedAdminSite as `admin.site` (INSTALLED_APPS names this instead)."""

    default_site = "kefu.org.admin_scope.ScopedAdminSite"
