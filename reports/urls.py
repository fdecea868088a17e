from django.urls import path

from . import export_views, views

urlpatterns = [
    path("laporan/", views.sighting_list, name="sighting-list"),
    path("laporan/saya/", views.sighting_mine, name="sighting-mine"),
    path("laporan/baru/", views.sighting_create, name="sighting-create"),
    path("laporan/tinjau/", views.sighting_queue, name="sighting-queue"),
    path("laporan/<int:pk>/", views.sighting_detail, name="sighting-detail"),
    path("laporan/<int:pk>/terkirim/", views.sighting_submitted, name="sighting-submitted"),
    path("laporan/<int:pk>/tinjau/", views.sighting_review, name="sighting-review"),
    path("laporan/<int:pk>/tautkan/", views.sighting_link, name="sighting-link"),
    path("laporan/<int:pk>/komentar/", views.sighting_comment, name="sighting-comment"),
    path("laporan/foto/<int:pk>/", views.sighting_photo, name="sighting-photo"),
    path("peringatan/", views.flag_list, name="flag-list"),
    path("peringatan/<int:pk>/", views.flag_detail, name="flag-detail"),
    path("peringatan/<int:pk>/terima/", views.flag_acknowledge, name="flag-acknowledge"),
    path("peringatan/<int:pk>/selesai/", views.flag_resolve, name="flag-resolve"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("ekspor/<str:resource>.<str:fmt>", export_views.export, name="export"),
    path("ekspor/berkas/<int:pk>/", export_views.report_job, name="report-job"),
    path(
        "ekspor/berkas/<int:pk>/unduh/<str:which>/",
        export_views.report_job_download,
        name="report-job-download",
    ),
]
