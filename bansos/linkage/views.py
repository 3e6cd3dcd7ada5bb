"""The duplicate review queue in the officer console (/petugas/duplikat/) and the external-list upload
(/petugas/daftar-luar/, national administrators). Reads and actions go through bansos.linkage.selectors
(region scope: both records of a pair must be in the officer's region); decisions are POST only."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from bansos.accounts.models import Role
from bansos.accounts.scoping import officer_scope
from bansos.cases.views.common import officer_required
from bansos.core.audit import Actor
from bansos.core.errors import DomainError, NotFound
from bansos.linkage import selectors, services
from bansos.linkage.crosscheck import CsvRejected, external_list_import
from bansos.linkage.models import CandidatePair, ExternalList, ListKind, Merge, Rule


def _actor(request: HttpRequest) -> Actor:
    return cast(Actor, request.user)


PAGE_SIZE = 50


class MergeForm(forms.Form):
    keep = forms.ChoiceField(
        label=_("Record to keep"),
        choices=[("left", _("the first record")), ("right", _("the second record"))],
        widget=forms.RadioSelect,
        initial="left",
    )
    confirm = forms.BooleanField(label=_("I checked that both records are the same person"))


class DismissForm(forms.Form):
    note = forms.CharField(
        label=_("Why they are different people (optional)"), max_length=255, required=False
    )


class ListForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of list"), choices=ListKind.choices)
    source = forms.CharField(label=_("Source (agency, date)"), max_length=200)
    file = forms.FileField(label=_("CSV file"))


def _pair(request: HttpRequest, pk: int, *, write: bool = False) -> CandidatePair:
    try:
        return selectors.pair_get(request.user, pk, write=write)
    except NotFound as exc:
        raise Http404 from exc


@officer_required
def pair_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", CandidatePair.Status.PENDING)
    status = status if status in CandidatePair.Status.values else CandidatePair.Status.PENDING
    rule = request.GET.get("rule", "")
    rule = rule if rule in Rule.values else ""
    page = Paginator(selectors.queue(request.user, status=status, rule=rule), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "linkage/list.html",
        {
            "page": page,
            "status": status,
            "rule": rule,
            "statuses": CandidatePair.Status.choices,
            "rules": Rule.choices,
        },
    )


def _detail(request: HttpRequest, pair: CandidatePair, status: int = 200, **extra: object) -> HttpResponse:
    context = {
        "pair": pair,
        "evidence": selectors.pair_evidence(pair),
        "merge": selectors.merge_for_pair(pair),
        "merge_form": MergeForm(),
        "dismiss_form": DismissForm(),
        **extra,
    }
    return render(request, "linkage/detail.html", context, status=status)


@officer_required
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _pair(request, pk))


@officer_required
@require_POST
def pair_merge(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair(request, pk, write=True)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _detail(request, pair, 400, merge_form=form)
    try:
        services.pair_merge(pair=pair, keep=form.cleaned_data["keep"], actor=_actor(request))
    except DomainError as exc:
        return _detail(request, pair, exc.status, error=exc.message)
    return redirect("linkage:pair", pk=pair.pk)


@officer_required
@require_POST
def pair_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair(request, pk, write=True)
    form = DismissForm(request.POST)
    if not form.is_valid():
        return _detail(request, pair, 400, dismiss_form=form)
    try:
        services.pair_dismiss(pair=pair, note=form.cleaned_data["note"], actor=_actor(request))
    except DomainError as exc:
        return _detail(request, pair, exc.status, error=exc.message)
    return redirect("linkage:queue")


@officer_required
@require_POST
def pair_unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair(request, pk, write=True)
    merge = Merge.objects.filter(pair=pair, undone_at__isnull=True).first()
    if merge is None:
        return _detail(request, pair, 400, error=_("This pair has no merge to undo."))
    services.merge_undo(merge=merge, actor=_actor(request))
    return redirect("linkage:pair", pk=pair.pk)


@officer_required
def lists(request: HttpRequest) -> HttpResponse:
    """Upload an external list (national administrators); the cross-check runs at once."""
    if not officer_scope(request.user).has_role(Role.NATIONAL_ADMIN):
        raise HttpForbidden
    form = ListForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "lists": ExternalList.objects.all()[:20]}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "linkage/lists.html", context, status=400)
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            context["problems"] = [_("The file is not UTF-8 text.")]
            return render(request, "linkage/lists.html", context, status=400)
        try:
            done = external_list_import(
                kind=form.cleaned_data["kind"],
                source=form.cleaned_data["source"],
                text=text,
                actor=_actor(request),
            )
        except CsvRejected as exc:
            context["problems"] = exc.problems
            return render(request, "linkage/lists.html", context, status=400)
        context["done"] = done
        context["form"] = ListForm()
    return render(request, "linkage/lists.html", context)
