"""The one setup of every browser test (the back office here, the React dashboard's too):
Python Playwright driving Debian's Chromium (`/usr/bin/chromium`, no browser download) against
the project's real ASGI application under uvicorn, with the pytest test database.

- `app_server`: one server for the whole `tests/browser` package (static files served by the
  application itself, staff second factor on, as under `make run`). Its base URL is
  `app_server.base_url`.
- The database is *not* flushed between browser tests (the server process caches platform
  ledger accounts, which a flush would orphan): each test makes its own merchant and objects,
  and the package's rows are flushed once when the package ends. Browser tests need no
  `db` marker: `browser_db` (autouse) opens database access for them.
- `staff` (the `make run` staff login: username, password, `otp()`), `staff_page` (a page
  logged in to /admin/ with it), `login_admin(page, staff)`.
- `screenshot(page, name)` saves `var/screenshots/<name>.png`.
- `block_external(page)` aborts every request not to 127.0.0.1 and returns the list of the
  blocked URLs (for the offline checks).
"""

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Page, Route

from tests.fixtures.backoffice import StaffLogin, staff_login
from tests.fixtures.mcp import REPO_ROOT, ServerProcess, running_server
from wallets import ledger

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium, never a downloaded browser (`make test` installs it when missing)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium` (make test does)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM)}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-US"}


@pytest.fixture(scope="package")
def app_server(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[ServerProcess]:
    """uvicorn serving `mcp_payments.asgi:application` on a free port, as `make run` does."""
    with (
        django_db_blocker.unblock(),
        running_server(tmp_path_factory.mktemp("browser"), STAFF_OTP_REQUIRED="1") as server,
    ):
        yield server
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    ledger._platform_cache.clear()


@pytest.fixture(autouse=True)
def browser_db(app_server, django_db_blocker) -> Iterator[None]:
    """Database access for the test's own setup; rows stay until the package ends."""
    with django_db_blocker.unblock():
        cache.clear()
        yield


@pytest.fixture
def staff() -> StaffLogin:
    """The `make run` staff login (same code path), one user per test: a TOTP code is accepted
    once, and two tests may run within one 30-second step."""
    return staff_login(username=f"ops-{uuid.uuid4().hex[:8]}")


def login_admin(page: Page, server: ServerProcess, staff: StaffLogin) -> None:
    """Log in at /admin/login/ with username, password and the current TOTP code."""
    page.goto(f"{server.base_url}/admin/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", staff.password)
    page.fill("#id_otp_token", staff.otp())
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()
    if page.url != f"{server.base_url}/admin/":
        errors = page.locator(".errornote, .errorlist, [class*=error]").all_inner_texts()
        raise AssertionError(f"login refused at {page.url}: {errors}\n{server.tail()}")


@pytest.fixture
def staff_page(page: Page, app_server: ServerProcess, staff: StaffLogin) -> Page:
    login_admin(page, app_server, staff)
    return page


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def block_external(page: Page) -> list[str]:
    """Abort every request to a host other than 127.0.0.1; returns the aborted URLs."""
    blocked: list[str] = []

    def handle(route: Route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "http://127.0.0.1/", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("internetdisconnected")

    page.route("**/*", handle)
    return blocked


@pytest.fixture
def no_horizontal_scroll() -> Callable[[Page], bool]:
    """True when the page is no wider than the viewport; otherwise fails naming the elements
    that stick out."""

    def check(page: Page) -> bool:
        overflow = page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                if (document.documentElement.scrollWidth <= width) return [];
                return [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > width + 1)
                    .slice(0, 8)
                    .map(e => `${e.tagName}.${e.className}`.slice(0, 120));
            }"""
        )
        assert overflow == [], f"wider than the viewport: {overflow}"
        return True

    return check
