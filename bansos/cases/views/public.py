"""The public helpdesk contact form (/kontak/): anyone can open a ticket; the answer goes by e-mail/SMS.
Posts are limited per client address (settings.CASES_CONTACT_RATE_PER_IP), as the public check is."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from bansos.cases import tickets
from bansos.cases.forms import TicketForm
from bansos.cases.models import TicketChannel
from bansos.core.errors import DomainError
from bansos.lookup import ratelimit


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "cases/contact.html", {"form": TicketForm()})
    limit, window = settings.CASES_CONTACT_RATE_PER_IP
    try:
        ratelimit.hit("contact", ratelimit.client_ip(request), limit=limit, window=window)
    except ratelimit.RateLimited as exc:
        response = render(
            request, "cases/contact.html", {"form": TicketForm(), "error": exc.message}, status=429
        )
        response["Retry-After"] = str(exc.retry_after)
        return response
    form = TicketForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/contact.html", {"form": form}, status=400)
    requester = request.user if request.user.is_authenticated else None
    channel = TicketChannel.CITIZEN if requester else TicketChannel.WEB
    try:
        ticket = tickets.ticket_open(channel=channel, requester=requester, **form.cleaned_data)
    except DomainError as exc:
        return render(request, "cases/contact.html", {"form": form, "error": exc.message}, status=exc.status)
    return render(request, "cases/contact_sent.html", {"ticket": ticket})
