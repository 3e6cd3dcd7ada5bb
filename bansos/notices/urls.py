"""News (/berita/), subscriptions, web push, help (/bantuan/) and the announcements console."""

from django.urls import path

from bansos.notices.feeds import AtomNewsFeed, NewsFeed
from bansos.notices.views import console, public

app_name = "notices"

urlpatterns = [
    path("berita/", public.news, name="news"),
    path("berita/<int:pk>/", public.detail, name="detail"),
    path("berita/rss/", NewsFeed(), name="rss"),
    path("berita/atom/", AtomNewsFeed(), name="atom"),
    path("berita/langganan/", public.subscribe, name="subscribe"),
    path("berita/langganan/konfirmasi/<str:token>/", public.confirm, name="confirm"),
    path("berita/langganan/berhenti/<str:token>/", public.unsubscribe, name="unsubscribe"),
    path("berita/push/", public.push_subscription, name="push"),
    path("bantuan/", public.help_page, name="help"),
    path("petugas/pengumuman/", console.announcement_list, name="console_list"),
    path("petugas/pengumuman/baru/", console.announcement_new, name="console_new"),
    path("petugas/pengumuman/<int:pk>/", console.announcement_edit, name="console_edit"),
    path("petugas/pengumuman/<int:pk>/<str:action>/", console.announcement_action, name="console_action"),
]
