from django.urls import path

from . import views

urlpatterns = [
    path("", views.foreigner_list, name="foreigner-list"),
    path("baru/", views.foreigner_create, name="foreigner-create"),
    path("cari.json", views.foreigner_lookup, name="foreigner-lookup"),
    path("<int:pk>/", views.foreigner_detail, name="foreigner-detail"),
    path("<int:pk>/ubah/", views.foreigner_edit, name="foreigner-edit"),
    path("<int:pk>/foto/", views.foreigner_photo, name="foreigner-photo"),
    path(
        "<int:pk>/dokumen/baru/",
        views.child_edit,
        {"kind": "document"},
        name="document-create",
    ),
    path(
        "<int:pk>/dokumen/<int:child_pk>/ubah/",
        views.child_edit,
        {"kind": "document"},
        name="document-edit",
    ),
    path("<int:pk>/izin/baru/", views.child_edit, {"kind": "permit"}, name="permit-create"),
    path(
        "<int:pk>/izin/<int:child_pk>/ubah/",
        views.child_edit,
        {"kind": "permit"},
        name="permit-edit",
    ),
    path(
        "<int:pk>/domisili/baru/",
        views.child_edit,
        {"kind": "residence"},
        name="residence-create",
    ),
    path(
        "<int:pk>/domisili/<int:child_pk>/ubah/",
        views.child_edit,
        {"kind": "residence"},
        name="residence-edit",
    ),
]
