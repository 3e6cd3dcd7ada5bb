"""Officer pages for announcements (/petugas/pengumuman/): list, create, edit, publish and withdraw
(each behind a confirmation). Only national and regional admins (AUTHOR_ROLES), only within their
region (bansos.notices.selectors.officer_announcements and the services' scope checks)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from bansos.accounts.scoping import officer_scope
from bansos.cases.views.common import officer_required
from bansos.core.errors import DomainError
from bansos.notices import fanout, selectors, services
from bansos.notices.forms import AnnouncementForm
from bansos.notices.models import Announcement

ACTIONS = {
    "terbitkan": (services.announcement_publish, _("published and sent to its subscribers")),
    "tarik": (services.announcement_withdraw, _("withdrawn from the news page")),
}


def _author(request: HttpRequest) -> None:
    if not officer_scope(request.user).prefixes(selectors.AUTHOR_ROLES, write=True):
        raise HttpForbidden


def _get(request: HttpRequest, pk: int) -> Announcement:
    found = selectors.officer_announcements(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@officer_required
def announcement_list(request: HttpRequest) -> HttpResponse:
    _author(request)
    queryset = selectors.officer_announcements(request.user)
    state = request.GET.get("state", "")
    if state in Announcement.State.values:
        queryset = queryset.filter(state=state)
    page = Paginator(queryset.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/console/list.html",
        {"page": page, "state": state, "states": Announcement.State.choices},
    )


def _initial(a: Announcement) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "title": a.title,
        "body": a.body,
        "program": a.program.code if a.program else "",
        "regions": ", ".join(a.regions),
        "publish_at": timezone.localtime(a.publish_at).strftime("%Y-%m-%dT%H:%M"),
        "expires_at": timezone.localtime(a.expires_at).strftime("%Y-%m-%dT%H:%M") if a.expires_at else "",
    }


@officer_required
@require_http_methods(["GET", "POST"])
def announcement_new(request: HttpRequest) -> HttpResponse:
    _author(request)
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            a = services.announcement_create(
                title=data["title"],
                body=data["body"],
                program=data["program"],
                regions=data["regions"],
                publish_at=data["publish_at"],
                expires_at=data["expires_at"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except DomainError as exc:
            return render(
                request, "notices/console/form.html", {"form": form, "error": exc.message}, status=exc.status
            )
        return redirect("notices:console_edit", a.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "notices/console/form.html", {"form": form}, status=status)


@officer_required
@require_http_methods(["GET", "POST"])
def announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _author(request)
    a = _get(request, pk)
    form = AnnouncementForm(request.POST or None, initial=_initial(a))
    context: dict[str, Any] = {"form": form, "a": a, "counts": {}}
    if a.state != Announcement.State.DRAFT:
        broadcast = a.broadcasts.first()
        context["counts"] = fanout.broadcast_counts(broadcast) if broadcast else {}
        context["broadcast"] = broadcast
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in ("title", "body", "program", "regions", "expires_at")}
        if data["publish_at"]:
            changes["publish_at"] = data["publish_at"]
        try:
            services.announcement_update(announcement=a, actor=request.user, **changes)  # type: ignore[arg-type]
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "notices/console/form.html", context, status=exc.status)
        return redirect("notices:console_edit", a.pk)
    return render(
        request, "notices/console/form.html", context, status=400 if request.method == "POST" else 200
    )


@officer_required
@require_http_methods(["GET", "POST"])
def announcement_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _author(request)
    a = _get(request, pk)
    if action not in ACTIONS:
        raise Http404
    service, label = ACTIONS[action]
    context = {"a": a, "action": action, "label": label}
    if request.method == "POST":
        if request.POST.get("confirm") != "1":
            context["error"] = _("Tick the box to confirm.")
            return render(request, "notices/console/confirm.html", context, status=400)
        try:
            service(announcement=a, actor=request.user)  # type: ignore[arg-type]
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "notices/console/confirm.html", context, status=exc.status)
        return redirect("notices:console_edit", a.pk)
    return render(request, "notices/console/confirm.html", context)
