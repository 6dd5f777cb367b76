"""The project's URLs plus the benchmark's reference page; ROOT_URLCONF of ``settings.bench``
only, so production never routes it."""

from django.urls import path

from moskenes_social.urls import urlpatterns as project_urlpatterns

from . import views

urlpatterns = [
    path("bench/referanse/", views.reference, name="bench_reference"),
    *project_urlpatterns,
]
