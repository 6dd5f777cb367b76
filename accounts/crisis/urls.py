from django.urls import path

from . import views

app_name = "crisis"
urlpatterns = [
    path("", views.crisis_list, name="list"),
    path("start/", views.crisis_start_view, name="start"),
    path("<int:crisis_id>/", views.crisis_detail, name="detail"),
    path("<int:crisis_id>/budskap/", views.crisis_update_view, name="update"),
    path("<int:crisis_id>/avslutt/", views.crisis_end_view, name="end"),
    path(
        "<int:crisis_id>/instagram/<int:account_id>/",
        views.crisis_media_view,
        name="media",
    ),
    path("innboks/", views.crisis_inbox_view, name="inbox"),
    path(
        "innlegg/<int:post_id>/offisielt-svar/",
        views.crisis_answer_official_view,
        name="answer_official",
    ),
    path("holdt/<int:action_id>/", views.crisis_action_settle_view, name="action_settle"),
]
