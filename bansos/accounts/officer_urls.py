"""Officer sign-in (/petugas/masuk/...). Included before bansos.cases.urls, whose /petugas/ patterns are
only the console pages and the four queues, so the paths below never clash with them."""

from django.urls import path

from bansos.accounts import officer_views

app_name = "officer"

urlpatterns = [
    path("petugas/masuk/", officer_views.login, name="login"),
    path("petugas/masuk/kode/", officer_views.code, name="code"),
    path("petugas/masuk/perangkat/", officer_views.enrol, name="enrol"),
    path("petugas/keluar/", officer_views.logout, name="logout"),
    path("petugas/akun/kode-cadangan/", officer_views.backup_codes, name="backup_codes"),
]
