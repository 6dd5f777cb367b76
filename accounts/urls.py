from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("kontoer/", views.account_list, name="list"),
    path("kontoer/oversikt/", views.overview, name="overview"),
    path("kontoer/registrer/", views.account_register_existing_view, name="register_existing"),
    path("kontoer/<int:account_id>/", views.account_detail, name="detail"),
    path("kontoer/<int:account_id>/endre/", views.account_edit, name="edit"),
    path("kontoer/<int:account_id>/logg/", views.account_log, name="log"),
    path(
        "kontoer/<int:account_id>/ansvar/",
        views.responsibility_assign_view,
        name="responsibility_assign",
    ),
    path(
        "kontoer/ansvar/<int:responsibility_id>/avslutt/",
        views.responsibility_end_view,
        name="responsibility_end",
    ),
    path("kontoer/<int:account_id>/fulgt-opp/", views.account_check_in_view, name="check_in"),
    path("kontoer/<int:account_id>/stans/", views.account_suspend_view, name="suspend"),
    path("kontoer/<int:account_id>/gjenoppta/", views.account_resume_view, name="resume"),
    # The public register of official accounts (no login).
    path("register/", views.register, name="register"),
    path("register.json", views.register_json, name="register_json"),
]
