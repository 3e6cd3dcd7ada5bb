"""Casework pages: citizen (/kasus/), public contact form (/kontak/) and the officer console (/petugas/)."""

from django.urls import path, re_path

from bansos.cases.views import citizen, console, counter, public

app_name = "cases"
KINDS = "usulan|sanggahan|perbaikan|tiket"

urlpatterns = [
    path("kontak/", public.contact, name="contact"),
    path("kasus/", citizen.mine, name="mine"),
    path("kasus/usulan/baru/", citizen.proposal_new, name="proposal_new"),
    path("kasus/usulan/<int:pk>/", citizen.proposal_detail, name="proposal"),
    path("kasus/sanggahan/baru/", citizen.objection_new, name="objection_new"),
    path("kasus/sanggahan/<int:pk>/", citizen.objection_detail, name="objection"),
    path("kasus/perbaikan/baru/", citizen.correction_new, name="correction_new"),
    path("kasus/perbaikan/<int:pk>/", citizen.correction_detail, name="correction"),
    path("kasus/tiket/baru/", citizen.ticket_new, name="ticket_new"),
    path("kasus/tiket/<int:pk>/", citizen.ticket_detail, name="ticket"),
    path("kasus/tiket/<int:pk>/buka-lagi/", citizen.ticket_reopen, name="ticket_reopen"),
    path("petugas/", console.dashboard, name="console"),
    path("petugas/cek/", counter.status_check, name="console_check"),
    path("petugas/rumah-tangga/baru/", counter.household_new, name="console_household_new"),
    path("petugas/tiket/baru/", console.hotline_ticket, name="console_hotline"),
    path("petugas/lampiran/<int:pk>/", console.attachment, name="console_attachment"),
    # Only the four queues: other /petugas/ pages (login, duplicates...) belong to other apps.
    re_path(rf"^petugas/(?P<slug>{KINDS})/$", console.case_list, name="console_list"),
    re_path(rf"^petugas/(?P<slug>{KINDS})/(?P<pk>[0-9]+)/$", console.case_detail, name="console_detail"),
    re_path(
        rf"^petugas/(?P<slug>{KINDS})/(?P<pk>[0-9]+)/aksi/(?P<target>[a-z]+)/$",
        console.case_action,
        name="console_action",
    ),
]
