from django.urls import path

from . import ingest, views

app_name = "posts"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("registrer/", views.post_register_view, name="register"),
    path("<int:post_id>/", views.post_detail, name="detail"),
    path("<int:post_id>/vurder/", views.post_triage_view, name="triage"),
    path("<int:post_id>/svar/", views.post_answer_view, name="answer"),
    path("<int:post_id>/lukk/", views.post_close_view, name="close"),
    path("<int:post_id>/fjern/", views.post_remove_view, name="remove"),
    path("<int:post_id>/gjenapne/", views.post_reopen_view, name="reopen"),
    path(
        "<int:post_id>/ikke-sensitivt/",
        views.post_screening_dismiss_view,
        name="screening_dismiss",
    ),
    path("kontoer/<int:account_id>/nokler/ny/", views.token_create_view, name="token_create"),
    path("nokler/<int:token_id>/trekk-tilbake/", views.token_revoke_view, name="token_revoke"),
    path("kontoer/<int:account_id>/facebook-side/", views.facebook_page_view, name="facebook_page"),
    path(
        "kontoer/<int:account_id>/facebook-side/krisesperre/",
        views.page_lockout_view,
        name="page_lockout",
    ),
    path(
        "kontoer/<int:account_id>/instagram/",
        views.instagram_account_view,
        name="instagram_account",
    ),
    # For machines: no login, no CSRF; a token or a signature instead.
    path("api/kontoer/<int:account_id>/", ingest.ingest_api, name="ingest"),
    path("webhook/facebook/", ingest.facebook_webhook, name="facebook_webhook"),
    path("webhook/instagram/", ingest.instagram_webhook, name="instagram_webhook"),
]
