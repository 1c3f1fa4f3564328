"""The dashboard is served by Django: `/` redirects, the SPA fallback answers every client-side
route with index.html (no-cache), hashed assets are immutable, and without a build it says how
to build it."""

import pytest
from django.test import Client


@pytest.fixture
def dist(tmp_path, settings):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "index-AbC123.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("outside assets")
    settings.DASHBOARD_DIST = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_root_redirects_to_the_dashboard():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert Client().get("/dashboard")["Location"] == "/dashboard/"


@pytest.mark.parametrize(
    "path", ["/dashboard/", "/dashboard/payments", "/dashboard/payments/pay_1?status=succeeded"]
)
def test_every_dashboard_route_answers_index_html_uncached(dist, path):
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert response.content == b"<!doctype html><div id=root></div>"


def test_hashed_assets_are_immutable_and_confined_to_assets(dist):
    response = Client().get("/dashboard/assets/index-AbC123.js")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"console.log(1)"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Client().get("/dashboard/assets/missing.js").status_code == 404
    assert Client().get("/dashboard/assets/../secret.txt").status_code == 404
    assert Client().get("/dashboard/assets/%2e%2e/secret.txt").status_code == 404


def test_without_a_build_the_dashboard_says_how_to_build_it(tmp_path, settings):
    settings.DASHBOARD_DIST = tmp_path / "missing"
    response = Client().get("/dashboard/")
    assert response.status_code == 503
    assert b"npm" in response.content
    assert Client().post("/dashboard/").status_code == 405
