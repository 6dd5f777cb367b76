"""The project's URLs plus the benchmark's reference pages; ROOT_URLCONF of ``settings.bench``
only, so production never routes it."""

from django.urls import path

from moskenes_social.urls import urlpatterns as project_urlpatterns

from . import views

urlpatterns = [
    path("bench/referanse/", views.reference, name="bench_reference"),
    path("bench/webhook-referanse/", views.webhook_reference, name="bench_webhook_reference"),
    *project_urlpatterns,
]
