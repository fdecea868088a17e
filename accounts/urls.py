from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("masuk/kode/", views.otp_verify, name="otp-verify"),
    path("akun/dua-langkah/", views.otp_enrol, name="otp-enrol"),
    path("akun/kode-cadangan/", views.backup_codes_new, name="otp-backup-codes"),
    # Password reset by email (Django's views, the portal's templates). The new password does
    # not sign anyone in: the sign-in that follows still asks for the second factor.
    path("masuk/lupa/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "masuk/lupa/terkirim/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "masuk/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "masuk/reset/selesai/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
