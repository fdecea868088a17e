from django.urls import path

from . import views

urlpatterns = [
    path(
        "minta/<str:subject_type>/<int:pk>/",
        views.access_request_new,
        name="access-request-new",
    ),
    path("permintaan/", views.access_request_list, name="access-request-list"),
    path(
        "permintaan/<int:pk>/putuskan/",
        views.access_request_decide_view,
        name="access-request-decide",
    ),
    path("berbagi/", views.share_list, name="share-list"),
    path("berbagi/<str:subject_type>/<int:pk>/baru/", views.share_new, name="share-new"),
    path("berbagi/<int:pk>/cabut/", views.share_revoke_view, name="share-revoke"),
]

# Mounted at /pemberitahuan/ (timpora/urls.py): the signed-in user's notification centre.
notification_urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("<int:pk>/buka/", views.notification_open, name="notification-open"),
    path("baca-semua/", views.notification_read_all, name="notification-read-all"),
]
