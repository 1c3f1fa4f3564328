"""`GET /`, the landing page, the API docs served with vendored assets, and static files
served by the application itself (ServeStatic)."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_root_redirects_to_the_landing_page_which_links_docs_admin_and_health(settings):
    client = Client()
    root = client.get("/")
    assert (root.status_code, root["Location"]) == (302, "/dashboard/")
    page = client.get("/welcome/").content.decode()
    for link in ("/api/v1/docs/", "/api/v1/redoc/", "/admin/", "/health/ready"):
        assert f'href="{link}"' in page
    settings.HOME_URL = "/welcome/"
    assert client.get("/")["Location"] == "/welcome/"


def test_api_root_redirects_to_the_docs():
    response = Client().get("/api/v1/")
    assert (response.status_code, response["Location"]) == (302, "/api/v1/docs/")


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_docs_pages_load_nothing_from_another_host(path):
    page = Client().get(path).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, page
    assert all(asset.startswith("/") for asset in assets), assets
    assert "/static/drf_spectacular_sidecar/" in page


@pytest.mark.parametrize(
    "path",
    [
        "/static/admin/css/base.css",
        "/static/unfold/css/styles.css",
        "/static/backoffice/site.css",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
    ],
)
def test_static_files_are_served_by_the_application(path):
    response = Client().get(path)
    assert response.status_code == 200
    assert int(response["Content-Length"]) > 100
    assert response["Content-Type"].split(";")[0] in {"text/css", "text/javascript"}
