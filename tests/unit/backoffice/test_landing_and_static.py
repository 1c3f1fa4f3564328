"""`GET /`, the landing page, the API docs served with vendored assets, and static files
served by the application itself (ServeStatic, sync under WSGI and async under ASGI)."""

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


def test_a_wsgi_process_runs_its_middleware_chain_without_an_async_hop():
    # ServeStatic's own middleware is async-only, which made Django wrap every WSGI request in
    # async_to_sync; the app's StaticFilesMiddleware keeps the sync chain sync.
    from asgiref.sync import AsyncToSync
    from django.core.handlers.wsgi import WSGIHandler

    assert not isinstance(WSGIHandler()._middleware_chain, AsyncToSync)


STATIC_CSS = "/static/admin/css/base.css"


def test_the_sync_and_the_async_chain_serve_the_same_static_file():
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    async def fetch() -> tuple[object, bytes]:
        response = await AsyncClient().get(STATIC_CSS)
        return response, b"".join([chunk async for chunk in response.streaming_content])

    sync = Client().get(STATIC_CSS)
    asynchronous, async_body = async_to_sync(fetch)()
    assert sync.status_code == asynchronous.status_code == 200
    assert b"".join(sync.streaming_content) == async_body
    for header in ("Content-Type", "Content-Length", "Cache-Control", "Vary"):
        assert sync.get(header) == asynchronous.get(header), header
    assert "Content-Disposition" not in sync


def test_the_sync_chain_answers_head_and_not_modified_without_a_body():
    client = Client()
    first = client.get(STATIC_CSS)
    etag = first["ETag"]
    assert etag
    head = client.head(STATIC_CSS)
    assert (head.status_code, head.content) == (200, b"")
    assert head["Content-Length"] == first["Content-Length"]
    again = client.get(STATIC_CSS, HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content) == (304, b"")
