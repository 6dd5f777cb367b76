from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.guideline_current, name="current"),
    path("versjoner/", views.version_list, name="version_list"),
    path("versjoner/<int:number>/", views.version_detail, name="version_detail"),
    path("sammenlign/", views.compare, name="compare"),
    path("versjoner/<int:number>/bekreft/", views.acknowledge, name="acknowledge"),
    path(
        "versjoner/<int:number>/bekreftelser/",
        views.acknowledgement_list,
        name="acknowledgement_list",
    ),
    path("utkast/ny/", views.draft_create, name="draft_create"),
    path("versjoner/<int:number>/utkast/", views.draft_edit, name="draft_edit"),
    path("versjoner/<int:number>/parametre/", views.draft_parameters, name="draft_parameters"),
    path("versjoner/<int:number>/ny-regel/", views.rule_add, name="rule_add"),
    path("versjoner/<int:number>/regler/<slug:code>/", views.rule_change, name="rule_change"),
    path("versjoner/<int:number>/regler/<slug:code>/fjern/", views.rule_remove, name="rule_remove"),
    path("versjoner/<int:number>/regler/<slug:code>/flytt/", views.rule_move, name="rule_move"),
    path("versjoner/<int:number>/vedta/", views.version_adopt, name="version_adopt"),
    path("versjoner/<int:number>/forkast/", views.version_discard, name="version_discard"),
]
