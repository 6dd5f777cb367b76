from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("logg-inn/", auth_views.LoginView.as_view(), name="login"),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("passord/endre/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "passord/endret/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("passord/glemt/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "passord/glemt/sendt/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "passord/ny/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "passord/ny/ferdig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("varsler/", include("moskenes_social.notifications.urls")),
    path("logg/", include("moskenes_social.audit.urls")),
    path("innlogging/", include("moskenes_social.people.urls")),
    path("", include("accounts.urls")),
    path("innlegg/", include("accounts.posts.urls")),
    path("krise/", include("accounts.crisis.urls")),
    path("veileder/", include("policy.urls")),
    path("soknader/", include("approvals.urls")),
    path("admin/", admin.site.urls),
]

handler400 = views.bad_request
