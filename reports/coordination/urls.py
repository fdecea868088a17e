from django.urls import path

from . import views

urlpatterns = [
    path("rapat/", views.meeting_list, name="meeting-list"),
    path("rapat/baru/", views.meeting_create, name="meeting-create"),
    path("rapat/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("rapat/<int:pk>/notulen/", views.meeting_minutes, name="meeting-minutes"),
    path("rapat/<int:pk>/hadir/", views.meeting_attendance, name="meeting-attendance"),
    path("rapat/<int:pk>/keputusan/", views.meeting_decision, name="meeting-decision"),
    path("tugas/", views.task_list, name="task-list"),
    path("tugas/baru/", views.task_create, name="task-create"),
    path("tugas/<int:pk>/", views.task_detail, name="task-detail"),
    path("tugas/<int:pk>/terima/", views.task_acknowledge, name="task-acknowledge"),
    path("tugas/<int:pk>/kemajuan/", views.task_progress, name="task-progress"),
    path("tugas/<int:pk>/selesai/", views.task_close, name="task-close"),
    path("operasi/", views.operation_list, name="operation-list"),
    path("operasi/baru/", views.operation_create, name="operation-create"),
    path("operasi/<int:pk>/", views.operation_detail, name="operation-detail"),
    path("operasi/<int:pk>/temuan/", views.operation_finding, name="operation-finding"),
    path("operasi/<int:pk>/hasil/", views.operation_complete, name="operation-complete"),
    path("tak/", views.enforcement_list, name="enforcement-list"),
    path("tak/baru/", views.enforcement_create, name="enforcement-create"),
    path("tak/<int:pk>/", views.enforcement_detail, name="enforcement-detail"),
    path("paket-rapat/", views.pack_create, name="pack-create"),
]
