"""Officer console pages of the linkage app."""

from django.urls import path

from bansos.linkage import views

app_name = "linkage"

urlpatterns = [
    path("petugas/duplikat/", views.pair_list, name="queue"),
    path("petugas/duplikat/<int:pk>/", views.pair_detail, name="pair"),
    path("petugas/duplikat/<int:pk>/gabung/", views.pair_merge, name="merge"),
    path("petugas/duplikat/<int:pk>/abaikan/", views.pair_dismiss, name="dismiss"),
    path("petugas/duplikat/<int:pk>/batal-gabung/", views.pair_unmerge, name="unmerge"),
    path("petugas/daftar-luar/", views.lists, name="lists"),
]
