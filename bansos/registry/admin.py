"""Registry admin for national administrators.

Search by NIK or KK is a POST form (an identifier never travels in a URL or an access log): the view
hashes it and redirects to the list filtered by the blind index. Search by name uses the normalised name
key. Edits go through the registry services so each one leaves an audit event; identifiers are masked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from bansos.core import crypto
from bansos.core.models import AuditEvent
from bansos.registry import services
from bansos.registry.identifiers import clean_identifier
from bansos.registry.models import Household, ImportRun, Person
from bansos.registry.names import name_key


def mask_identifier(value: str) -> str:
    return value[:6] + "*" * (len(value) - 8) + value[-2:] if len(value) > 8 else "*" * len(value)


def _as_identifier(term: str) -> str | None:
    cleaned = clean_identifier(term)
    return cleaned if len(cleaned) == 16 and cleaned.isdigit() else None


class PersonInline(admin.TabularInline):
    model = Person
    fields = ("full_name", "masked_nik", "relationship", "sex", "birth_date", "deceased_date")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj: Person) -> str:
        return mask_identifier(obj.nik)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FindForm(forms.Form):
    term = forms.CharField(label=_("NIK/KK or name"), max_length=150)


class RegistryAdminMixin(admin.ModelAdmin):
    """POST search by identifier; saves through the services (audit event per change); no deletes."""

    change_list_template = "admin/registry/change_list.html"
    index_field = ""  # the blind-index column an identifier search filters on

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        find = path("find/", self.admin_site.admin_view(self.find_view), name="{}_{}_find".format(*info))
        return [find, *super().get_urls()]

    def find_view(self, request: HttpRequest) -> HttpResponse:
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        form = FindForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            term = form.cleaned_data["term"]
            identifier = _as_identifier(term)
            query = {self.index_field: crypto.blind_index(identifier)} if identifier else {"q": term}
            return HttpResponseRedirect(f"{changelist}?{urlencode(query)}")
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.opts}
        return TemplateResponse(request, "admin/registry/find.html", context)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        return lookup == self.index_field or super().lookup_allowed(lookup, value, request)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if _as_identifier(search_term):
            # Typed into a GET form by mistake: never search (nor echo) an identifier from a URL.
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(RegistryAdminMixin):
    list_display = ["id", "masked_kk", "village", "decile", "status", "provenance", "updated_at"]
    list_filter = ["status", "decile", "provenance"]
    list_select_related = ["village"]
    search_fields = ["address"]
    search_help_text = _("Search by address. Use the form above to find a KK number.")
    index_field = "kk_index"
    raw_id_fields = ["village"]
    readonly_fields = [
        "masked_kk", "village", "welfare_score", "decile", "status", "provenance", "import_run",
        "created_at", "updated_at",
    ]  # fmt: skip
    exclude = ["kk_encrypted", "kk_index"]
    inlines = [PersonInline]
    show_full_result_count = False

    @admin.display(description=_("KK number"))
    def masked_kk(self, obj: Household) -> str:
        return mask_identifier(obj.kk)

    def save_model(self, request: HttpRequest, obj: Household, form: Any, change: bool) -> None:
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        fresh = Household.objects.get(pk=obj.pk)
        services.household_update(household=fresh, actor=request.user, **changes)  # type: ignore[arg-type]


@admin.register(Person)
class PersonAdmin(RegistryAdminMixin):
    list_display = [
        "full_name",
        "masked_nik",
        "sex",
        "birth_date",
        "relationship",
        "village",
        "deceased_date",
    ]
    list_filter = ["sex", "relationship", "is_civil_servant", "is_military", "is_police", "disability"]
    list_select_related = ["village"]
    search_fields = ["name_key"]
    search_help_text = _("Search by name as on the KTP. Use the form above to find a NIK.")
    index_field = "nik_index"
    readonly_fields = ["masked_nik", "household", "village", "name_key", "sex", "birth_date", "provenance",
                       "import_run", "created_at", "updated_at", "history"]  # fmt: skip
    exclude = ["nik_encrypted", "nik_index"]
    show_full_result_count = False

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj: Person) -> str:
        return mask_identifier(obj.nik)

    @admin.display(description=_("history"))
    def history(self, obj: Person) -> str:
        events = AuditEvent.objects.filter(subject_type="registry.person", subject_id=str(obj.pk))[:20]
        return "\n".join(f"{e.occurred_at:%Y-%m-%d %H:%M} {e.event_type} ({e.actor_label})" for e in events)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if _as_identifier(search_term):
            return queryset.none(), False
        key = name_key(search_term)
        if not key:
            return queryset, False
        return queryset.filter(name_key__contains=key), False

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        fresh = Person.objects.get(pk=obj.pk)
        services.person_update(person=fresh, actor=request.user, **changes)  # type: ignore[arg-type]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["id", "started_at", "status", "people_done", "households_done", "rejected", "actor_label"]
    readonly_fields = [field.name for field in ImportRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
