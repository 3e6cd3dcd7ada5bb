"""Citizen pages: file a proposal, an objection, a correction or a ticket; follow one's own cases.
A citizen only ever sees the cases they filed (another's case is "not found")."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from bansos.cases import corrections, objections, proposals, selectors, tickets
from bansos.cases.forms import CorrectionForm, ObjectionForm, ProposalForm, TicketForm
from bansos.cases.models import TicketChannel
from bansos.cases.views.common import files, region_selection
from bansos.cases.workflow import CaseError
from bansos.core.errors import DomainError


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/mine.html", {"cases": selectors.mine(request.user)})


def _own(kind: str, request: HttpRequest, pk: int) -> Any:
    case = selectors.mine(request.user)[kind].filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def _form_page(
    request: HttpRequest,
    template: str,
    form: Any,
    *,
    error: str = "",
    status: int = 200,
    regions: bool = False,
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "error": error}
    if regions:
        context["selection"] = region_selection(request.POST if request.method == "POST" else None)
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    template = "cases/proposal_form.html"
    if request.method == "GET":
        return _form_page(request, template, ProposalForm(), regions=True)
    form = ProposalForm(request.POST, request.FILES)
    if request.POST.get("step"):
        return _form_page(request, template, ProposalForm(request.POST), regions=True)
    if not form.is_valid():
        return _form_page(request, template, form, status=400, regions=True)
    data = form.cleaned_data
    try:
        proposal = proposals.proposal_submit(
            proposer=request.user,
            village_code=request.POST.get("village", ""),
            photos=files(request, "photo1", "photo2", "photo3"),
            housing={k: data[k] for k in ProposalForm.HOUSING},
            **{k: data[k] for k in (
                "for_self", "address", "rt", "rw", "kk", "head_nik", "head_name", "head_sex",
                "head_birth_date", "head_marital_status", "members_count", "circumstances", "contact_phone",
                "contact_email",
            )},
        )  # fmt: skip
    except DomainError as exc:
        return _form_page(request, template, form, error=exc.message, status=exc.status, regions=True)
    return redirect("cases:proposal", pk=proposal.pk)


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _own("usulan", request, pk)
    return render(
        request, "cases/proposal_detail.html", {"case": proposal, "history": selectors.history(proposal)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def objection_new(request: HttpRequest) -> HttpResponse:
    template = "cases/objection_form.html"
    if request.method == "GET":
        return _form_page(request, template, ObjectionForm(), regions=True)
    form = ObjectionForm(request.POST, request.FILES)
    if request.POST.get("step"):
        return _form_page(request, template, ObjectionForm(request.POST), regions=True)
    if not form.is_valid():
        return _form_page(request, template, form, status=400, regions=True)
    data = form.cleaned_data
    village = request.POST.get("village", "")
    try:
        household = selectors.reported_household(
            village_code=village, nik=data["reported_nik"], name=data["reported_name"]
        )
        if household is None:
            raise CaseError(selectors.REPORTED_NOT_FOUND, code="case.reported_not_found")
        objection = objections.objection_submit(
            reporter=request.user,
            reporter_village_code=village,
            household=household,
            photo=request.FILES.get("photo"),
            **{k: data[k] for k in (
                "reason", "description", "latitude", "longitude", "contact_phone", "contact_email",
            )},
        )  # fmt: skip
    except DomainError as exc:
        return _form_page(request, template, form, error=exc.message, status=exc.status, regions=True)
    return redirect("cases:objection", pk=objection.pk)


@login_required
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _own("sanggahan", request, pk)
    return render(
        request, "cases/objection_detail.html", {"case": objection, "history": selectors.history(objection)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def correction_new(request: HttpRequest) -> HttpResponse:
    template = "cases/correction_form.html"
    if request.method == "GET":
        return _form_page(request, template, CorrectionForm())
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _form_page(request, template, form, status=400)
    data = form.cleaned_data
    change = {k: data[k] for k in (
        "address", "rt", "rw", "nik", "full_name", "sex", "birth_date", "relationship", "marital_status",
        "deceased_date",
    )}  # fmt: skip
    try:
        correction = corrections.correction_submit(
            requester=request.user,
            kk=data["kk"],
            requester_nik=data["requester_nik"],
            kind=data["kind"],
            data=change,
            note=data["note"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
        )
    except DomainError as exc:
        return _form_page(request, template, form, error=exc.message, status=exc.status)
    return redirect("cases:correction", pk=correction.pk)


@login_required
def correction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    correction = _own("perbaikan", request, pk)
    return render(
        request,
        "cases/correction_detail.html",
        {"case": correction, "history": selectors.history(correction)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    template = "cases/ticket_form.html"
    if request.method == "GET":
        return _form_page(
            request, template, TicketForm(initial={"contact_email": getattr(request.user, "email", "")})
        )
    form = TicketForm(request.POST)
    if not form.is_valid():
        return _form_page(request, template, form, status=400)
    try:
        ticket = tickets.ticket_open(
            channel=TicketChannel.CITIZEN, requester=request.user, **form.cleaned_data
        )
    except DomainError as exc:
        return _form_page(request, template, form, error=exc.message, status=exc.status)
    return redirect("cases:ticket", pk=ticket.pk)


@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _own("tiket", request, pk)
    return render(
        request,
        "cases/ticket_detail.html",
        {"case": ticket, "replies": ticket.replies.all(), "history": selectors.history(ticket)},
    )


@login_required
@require_POST
def ticket_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _own("tiket", request, pk)
    try:
        tickets.ticket_reopen(ticket=ticket, actor=request.user)
    except DomainError as exc:
        return render(
            request,
            "cases/ticket_detail.html",
            {
                "case": ticket,
                "replies": ticket.replies.all(),
                "history": selectors.history(ticket),
                "error": exc.message,
            },
            status=exc.status,
        )
    return redirect("cases:ticket", pk=ticket.pk)
