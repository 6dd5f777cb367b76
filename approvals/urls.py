from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("ny/", views.request_create, name="create"),
    path("ko/", views.request_queue, name="queue"),
    path("arkiv/", views.request_archive, name="archive"),
    path("<int:request_id>/", views.request_detail, name="detail"),
    path("<int:request_id>/rediger/", views.request_edit, name="edit"),
    path("<int:request_id>/trekk/", views.request_withdraw_view, name="withdraw"),
    path("<int:request_id>/avgjor/", views.request_decide_view, name="decide"),
    path("nedlegging/<int:account_id>/", views.closing_request_create, name="close_account"),
]
