"""RSS 2.0 and Atom 1.0 feeds of the news page, with the same region and program filters
(?region=<code>&program=<code>)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from bansos.notices import selectors
from bansos.notices.models import Announcement
from bansos.notices.views.public import filters

ITEMS = 50


class NewsFeed(Feed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        found = filters(request.GET)
        found["query"] = request.GET.urlencode()
        return found

    def title(self, obj: dict[str, Any]) -> str:
        parts = [_("Bansos announcements")]
        if obj["program"]:
            parts.append(obj["program"].code)
        if obj["region"]:
            parts.append(selectors.region_names([obj["region"]]).get(obj["region"], obj["region"]))
        return " — ".join(parts)

    def link(self, obj: dict[str, Any]) -> str:
        return reverse("notices:news") + (f"?{obj['query']}" if obj["query"] else "")

    def description(self, obj: dict[str, Any]) -> str:
        return _("Announcements about social assistance programs and disbursement periods.")

    def items(self, obj: dict[str, Any]) -> Any:
        program = obj["program"]
        return selectors.visible_announcements(
            region=obj["region"], program_id=program.pk if program else None
        )[:ITEMS]

    def item_title(self, item: Announcement) -> str:
        return item.title

    def item_description(self, item: Announcement) -> str:
        return item.body

    def item_link(self, item: Announcement) -> str:
        return reverse("notices:detail", args=[item.pk])

    def item_pubdate(self, item: Announcement) -> datetime.datetime:
        return item.publish_at

    def item_updateddate(self, item: Announcement) -> datetime.datetime:
        return item.updated_at

    def item_categories(self, item: Announcement) -> list[str]:
        return [item.program.code] if item.program else []


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: dict[str, Any]) -> str:
        return self.description(obj)
