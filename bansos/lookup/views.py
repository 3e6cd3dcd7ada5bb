"""Pages of the public check. GET shows the forms (region steps work without JavaScript: the name form
posts back with ``step`` to reveal the next select); POST searches and renders the result directly, so
neither the NIK nor the name ever appears in a URL. The typed NIK is never echoed; the typed name is
echoed only into the name field of the form when it is shown again (an error, a region step), never on a
result page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bansos.core.errors import DomainError
from bansos.lookup import antibot, services
from bansos.lookup.catalogue import children
from bansos.lookup.ratelimit import RateLimited, client_ip

LEVELS = ("province", "regency", "district", "village")


def _selection(data: QueryDict) -> dict[str, Any]:
    """The chosen regions, each valid and inside its parent, with the options of every shown select."""
    chosen: dict[str, str] = {}
    options: dict[str, list[tuple[str, str]]] = {"province": children("")}
    parent = ""
    for level, child_level in zip(LEVELS, (*LEVELS[1:], None), strict=True):
        code = data.get(level, "")
        if not code or code not in dict(options[level]) or not code.startswith(parent):
            break
        chosen[level] = parent = code
        if child_level:
            options[child_level] = children(code)
    return {"chosen": chosen, "options": options}


def _form(
    request: HttpRequest,
    *,
    mode: str,
    data: QueryDict | None = None,
    error: str = "",
    status: int = 200,
    keep_name: bool = False,
) -> HttpResponse:
    data = data if data is not None else QueryDict()
    context = {
        "mode": mode if mode in ("nik", "name") else "nik",
        "selection": _selection(data),
        "question": antibot.new_question(),
        "error": error,
        "name_value": data.get("name", "")[:150] if keep_name else "",
    }
    return render(request, "lookup/index.html", context, status=status)


def _answer(data: QueryDict) -> antibot.AntiBotAnswer:
    return antibot.AntiBotAnswer(
        altcha=data.get("altcha", ""),
        question_token=data.get("question_token", ""),
        question_answer=data.get("question_answer", "")[:40],
    )


@never_cache
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form(request, mode=request.GET.get("mode", "nik"), data=request.GET)
    data = request.POST
    mode = data.get("mode", "nik")
    if mode == "name" and data.get("step"):
        return _form(request, mode="name", data=data, keep_name=True)
    try:
        if mode == "name":
            results = services.check_by_name(
                village_code=data.get("village", ""),
                name=data.get("name", ""),
                answer=_answer(data),
                client_ip=client_ip(request),
            )
        else:
            result = services.check_by_nik(
                nik=data.get("nik", ""), answer=_answer(data), client_ip=client_ip(request)
            )
            results = [result] if result else []
    except RateLimited as exc:
        response = _form(request, mode=mode, data=data, error=exc.message, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except DomainError as exc:  # the typed name is kept so it can be corrected; the NIK never is
        return _form(request, mode=mode, data=data, error=exc.message, status=exc.status, keep_name=True)
    if not results:
        return render(request, "lookup/not_found.html", {"mode": mode})
    return render(request, "lookup/result.html", {"mode": mode, "results": results})
