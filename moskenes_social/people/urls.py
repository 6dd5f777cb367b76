from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("sperrer/", views.login_lock_list, name="login_locks"),
    path("sperrer/<int:attempt_id>/opphev/", views.login_lock_lift_view, name="login_lock_lift"),
]
