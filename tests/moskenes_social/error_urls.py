"""The project's URLs and one that fails, for the test of the 500 page."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from moskenes_social.urls import urlpatterns as project_urlpatterns


@login_not_required
def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("feiler/", _fails), *project_urlpatterns]
