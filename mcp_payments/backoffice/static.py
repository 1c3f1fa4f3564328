"""Static files served by the application itself, with ServeStatic, in a sync (gunicorn) and an
async (uvicorn) middleware chain alike.

ServeStatic 4 ships an async-only Django middleware. In a WSGI process Django then runs *every*
request, not only static ones, through `async_to_sync` and back into the sync chain (a thread and
event-loop hop each way): measured in-process here, `GET /health/live` cost 3.1-3.6 ms of CPU with
it and 1.1-1.25 ms without (issue 19's profile of the money endpoints). This subclass keeps
ServeStatic's settings, file table and responders, and adds the sync path, so a WSGI chain stays
sync and an ASGI chain keeps ServeStatic's own async one.
"""

from __future__ import annotations

from collections.abc import Callable

from asgiref.sync import iscoroutinefunction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from servestatic.middleware import ServeStaticMiddleware


class _StaticFileResponse(FileResponse):
    """A file streamed with exactly the headers ServeStatic's responder gave (Django's
    FileResponse would otherwise add Content-Disposition and guess the type again)."""

    def set_headers(self, filelike: object) -> None:
        pass


async def _async_stand_in(request: HttpRequest) -> HttpResponseBase:  # pragma: no cover
    raise RuntimeError("replaced by the sync get_response")


class StaticFilesMiddleware(ServeStaticMiddleware):
    """ServeStatic's middleware, sync- and async-capable: Django picks the mode of the chain
    it is in. Static URLs are answered from ServeStatic's table (hashed files immutable, compressed
    variants negotiated); anything else goes to the next middleware unchanged."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self._sync = not iscoroutinefunction(get_response)
        # ServeStatic's __init__ refuses a sync get_response and marks the instance as a
        # coroutine function; in a sync chain the real handler goes in after it, unmarked.
        super().__init__(_async_stand_in if self._sync else get_response)
        if self._sync:
            self.get_response = get_response
            for marker in ("_is_coroutine", "_is_coroutine_marker"):
                self.__dict__.pop(marker, None)

    def __call__(self, request: HttpRequest):  # type: ignore[override]
        """The response for `request`: a static file, or the rest of the chain's. In an async
        chain this returns ServeStatic's coroutine."""
        if not self._sync:
            return super().__call__(request)
        path = request.path_info
        static_file = self.find_file(path) if self.autorefresh else self.files.get(path)
        if static_file is None:
            return self.get_response(request)
        served = static_file.get_response(request.method or "GET", request.META)
        status = int(served.status)
        if served.file is None:  # HEAD, 304 Not Modified, a redirect
            response: HttpResponseBase = HttpResponse(status=status)
        else:
            response = _StaticFileResponse(served.file, status=status)
        del response["Content-Type"]
        for key, value in served.headers:
            if value is not None:
                response[key] = value
        return response
