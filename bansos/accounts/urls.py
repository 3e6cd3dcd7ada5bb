"""Citizen account pages (/akun/) and this app's officer pages (/petugas/verifikasi/, household detail)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from bansos.accounts import views
from bansos.accounts.forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path("akun/", views.home, name="home"),
    path("akun/daftar/", views.register, name="register"),
    path(
        "akun/masuk/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("akun/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "akun/sandi/lupa/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "akun/sandi/lupa/terkirim/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "akun/sandi/atur/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "akun/sandi/selesai/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("akun/sandi/sms/", views.reset_sms, name="reset_sms"),
    path("akun/sandi/sms/kode/", views.reset_sms_code, name="reset_sms_code"),
    path("akun/rumah-tangga/", views.household, name="household"),
    path("akun/notifikasi/", views.notifications, name="notifications"),
    path("akun/notifikasi/baca/", views.notification_read, name="notifications_read"),
    path("akun/notifikasi/<int:pk>/baca/", views.notification_read, name="notification_read"),
    path("petugas/verifikasi/", views.verification_queue, name="verification_queue"),
    path("petugas/verifikasi/<int:pk>/", views.verification_detail, name="verification_detail"),
    path(
        "petugas/verifikasi/<int:pk>/foto/<str:which>/", views.verification_photo, name="verification_photo"
    ),
    path("petugas/rumah-tangga/<int:pk>/", views.officer_household, name="officer_household"),
]
