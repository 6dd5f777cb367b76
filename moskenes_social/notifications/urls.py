from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/lest/", views.notification_read, name="read"),
    path("alle-lest/", views.notification_read_all, name="read_all"),
]
