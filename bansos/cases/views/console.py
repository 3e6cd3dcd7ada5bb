"""The officer console (/petugas/): per role, queues of what waits in the officer's region, filters,
detail pages with the history, and actions behind an explicit confirmation. Every read and action goes
through bansos.accounts.scoping (via bansos.cases.selectors and the workflow checks)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from bansos.accounts.models import OfficerRole, Role
from bansos.accounts.scoping import officer_scope
from bansos.cases import corrections, selectors, tickets
from bansos.cases.actions import case_transition
from bansos.cases.forms import ConfirmForm, HotlineTicketForm
from bansos.cases.models import Attachment, Objection, Ticket, TicketChannel
from bansos.cases.uploads import open_stored
from bansos.cases.views.common import officer_required
from bansos.core.errors import DomainError, NotFound

PAGE_SIZE = 50
LABELS = {
    "usulan": _("Proposals"),
    "sanggahan": _("Objections"),
    "perbaikan": _("Data corrections"),
    "tiket": _("Helpdesk tickets"),
}


def _kind(slug: str) -> selectors.Kind:
    kind = selectors.KINDS.get(slug)
    if kind is None:
        raise Http404
    return kind


def _get(kind: selectors.Kind, request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.case_get(kind, request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


@officer_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = officer_scope(request.user)
    queues = [
        {"kind": slug, "label": LABELS[slug], "waiting": selectors.waiting(kind, request.user, scope).count()}
        for slug, kind in selectors.KINDS.items()
    ]
    overdue = selectors.objections_overdue(request.user).count()
    return render(
        request,
        "cases/console/dashboard.html",
        {"queues": queues, "overdue": overdue, "roles": sorted(Role(r).label for r in scope.roles)},
    )


@officer_required
def case_list(request: HttpRequest, slug: str) -> HttpResponse:
    kind = _kind(slug)
    params = request.GET
    now = timezone.now()
    qs = selectors.queue(
        kind,
        request.user,
        state=params.get("state", "") if params.get("state", "") in kind.workflow.table else "",
        region=params.get("region", "")[:10],
        waiting_only=params.get("waiting") == "1",
        oldest_first=params.get("sort", "old") != "new",
        overdue_only=params.get("overdue") == "1",
        now=now,
    ).select_related(*(["village"] if kind.model is not Ticket else []))
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
    rows = [{"case": case, "age": case.age_days(now)} for case in page]
    return render(
        request,
        "cases/console/list.html",
        {
            "kind": slug,
            "label": LABELS[slug],
            "page": page,
            "rows": rows,
            "states": kind.model._meta.get_field("state").choices,
            "params": params,
            "now": now,
        },
    )


def _detail_context(kind: selectors.Kind, request: HttpRequest, case: Any) -> dict[str, Any]:
    scope = officer_scope(request.user)
    region = selectors.case_region(case)
    hidden: frozenset[str] = frozenset()
    show_reporter = True
    if isinstance(case, Objection):
        show_reporter = selectors.can_see_reporter(request.user, case)
        if not show_reporter:
            hidden = frozenset({"case.objection_submitted"})
    context: dict[str, Any] = {
        "kind": kind.slug,
        "label": LABELS[kind.slug],
        "case": case,
        "age": case.age_days(),
        "history": selectors.history(case, hide_actor_of=hidden),
        "targets": kind.workflow.targets_for(current=case.state, scope=scope, region_code=region),
        "show_reporter": show_reporter,
        "attachments": list(case.attachments.all()) if hasattr(case, "attachments") else [],
    }
    if isinstance(case, Ticket):
        context["replies"] = case.replies.select_related("author")
    if kind.slug == "perbaikan":
        context["change"] = {k: v for k, v in corrections.payload(case).items() if k != "nik"}
    return context


@officer_required
def case_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    kind = _kind(slug)
    case = _get(kind, request, pk)
    return render(request, "cases/console/detail.html", _detail_context(kind, request, case))


def _assignees(ticket: Ticket) -> list[tuple[int, str]]:
    grants = OfficerRole.objects.filter(role=Role.HELPDESK, ended_at__isnull=True).select_related("user")
    seen: dict[int, str] = {}
    for grant in grants:
        if ticket.region_code.startswith(grant.region_code):
            seen[grant.user_id] = grant.user.get_full_name() or grant.user.get_username()
    return sorted(seen.items(), key=lambda item: item[1])


@officer_required
@require_http_methods(["GET", "POST"])
def case_action(request: HttpRequest, slug: str, pk: int, target: str) -> HttpResponse:
    kind = _kind(slug)
    case = _get(kind, request, pk)
    if target not in kind.workflow.action_phrases:
        raise Http404
    assignees = _assignees(case) if isinstance(case, Ticket) else None
    context = _detail_context(kind, request, case)
    if request.method == "GET":
        context.update(target=target, action=kind.workflow.action_phrases[target])
        try:  # no confirmation form for an action this officer may not take (e.g. the read-only auditor)
            kind.workflow.check(
                current=case.state, target=target, user=request.user, region_code=selectors.case_region(case)
            )
        except DomainError as exc:
            context.update(form=None, error=exc.message)
            return render(request, "cases/console/action.html", context, status=exc.status)
        context["form"] = ConfirmForm(target=target, assignees=assignees)
        return render(request, "cases/console/action.html", context)
    form = ConfirmForm(request.POST, request.FILES, target=target, assignees=assignees)
    context.update(form=form, target=target, action=kind.workflow.action_phrases[target])
    if not form.is_valid():
        return render(request, "cases/console/action.html", context, status=400)
    try:
        case_transition(
            kind=slug, case=case, target=target,
            data={**form.cleaned_data, "minutes": request.FILES.get("minutes")}, actor=request.user,
        )  # fmt: skip
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "cases/console/action.html", context, status=exc.status)
    return redirect("cases:console_detail", slug=slug, pk=case.pk)


@officer_required
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An uploaded file, only for an officer who may read its case (else 404, as for a missing file)."""
    found = Attachment.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    slug, case_id = ("usulan", found.proposal_id) if found.proposal_id else ("sanggahan", found.objection_id)
    _get(selectors.KINDS[slug], request, int(case_id or 0))
    response = FileResponse(open_stored(found.path), content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@officer_required
@require_http_methods(["GET", "POST"])
def hotline_ticket(request: HttpRequest) -> HttpResponse:
    if not officer_scope(request.user).has_role(Role.HELPDESK):
        raise Http404
    if request.method == "GET":
        return render(request, "cases/console/hotline.html", {"form": HotlineTicketForm()})
    form = HotlineTicketForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/console/hotline.html", {"form": form}, status=400)
    try:
        ticket = tickets.ticket_open(
            channel=TicketChannel.HOTLINE, logged_by=request.user, **form.cleaned_data
        )
    except DomainError as exc:
        return render(
            request, "cases/console/hotline.html", {"form": form, "error": exc.message}, status=exc.status
        )
    return redirect("cases:console_detail", slug="tiket", pk=ticket.pk)
