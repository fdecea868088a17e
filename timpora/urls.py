from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from agencies.urls import notification_urlpatterns

from . import health, views

admin.site.site_header = "Timpora"
admin.site.site_title = "Timpora"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", views.home, name="home"),
    path("masuk/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path("akses/", include("agencies.urls")),
    path("pemberitahuan/", include(notification_urlpatterns)),
    path("api/", include("timpora.api_urls")),
    path("orang-asing/", include("foreigners.urls")),
    path("", include("reports.urls")),
    path("koordinasi/", include("reports.coordination.urls")),
    path("admin/", admin.site.urls),
]
