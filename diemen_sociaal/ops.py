"""Running the site: health check, error pages under faults, caching headers, request limits.

Middleware and views that belong to operating the application rather than to any
page: they know the URL layout (staff prefixes, the report permalinks) but no
page's content.
"""

import hashlib
import ipaddress
import logging
import sys
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.exceptions import SuspiciousFileOperation
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import timezone
from django.utils._os import safe_join
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)

# What a lost database connection raises: the server is down, restarting, unreachable or
# refuses connections. Errors in queries themselves (a bad SQL statement) stay 500s.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60

Middleware = Callable[[HttpRequest], HttpResponse]
ViewFunction = Callable[..., HttpResponse]


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and the background queue moves, 503 otherwise.

    The queue: the tasks waiting for a worker (whole-report PDFs) and how long the oldest
    has waited. A task waiting longer than HEALTH_QUEUE_MAX_SECONDS means no worker is
    taking them (stopped, dead, stuck on a lock), and a monitor should hear of it. So
    does a job that a worker started and stopped giving signs of life on ("stalled":
    its worker was killed or hangs) until a worker takes it up again.
    """
    from django_tasks_db.models import DBTaskResult

    from publishing.jobs import stalled_count

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        waiting = DBTaskResult.objects.ready()
        count = waiting.count()
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        stalled = stalled_count()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "database unreachable"}, status=503)
    age = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    queue = {"waiting": count, "oldest_waiting_seconds": age, "stalled": stalled}
    if age > settings.HEALTH_QUEUE_MAX_SECONDS:
        logger.error("Health check: a background task has waited %s s for a worker", age)
        return JsonResponse(
            {"status": "background worker not taking tasks", "queue": queue}, status=503
        )
    if stalled:
        logger.error("Health check: %s background job(s) without a sign of life", stalled)
        return JsonResponse({"status": "background job stalled", "queue": queue}, status=503)
    return JsonResponse({"status": "ok", "queue": queue})


def error_context() -> dict[str, str]:
    """All the error pages rendered without a request know: whose site this is, and its
    house style (settings.MUNICIPALITY_COLOUR and MUNICIPALITY_LOGO)."""
    return {
        "municipality": settings.MUNICIPALITY_NAME,
        "municipality_colour": settings.MUNICIPALITY_COLOUR,
        "municipality_logo": settings.MUNICIPALITY_LOGO,
    }


def municipality(request: HttpRequest) -> dict[str, str]:
    """Context processor: {{ municipality }} on every page (settings.MUNICIPALITY_NAME)."""
    return error_context()


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django's own, with the municipality's name and still no request context."""
    return HttpResponse(loader.render_to_string("500.html", error_context()), status=500)


def database_unavailable_response() -> HttpResponse:
    """The Dutch 503 page, rendered without a request so nothing touches the database.

    (A request context would run the auth context processor, which reads the session.)
    """
    response = HttpResponse(loader.render_to_string("503.html", error_context()), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, private=True, no_store=True)
    return response


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached gives the Dutch 503 page, not a 500 or a trace.

    A view's exception arrives in process_exception. One raised elsewhere (a session
    saved in SessionMiddleware, say) has been turned into a 500 response by Django
    before it gets back here; the got_request_exception receiver below marks the
    request, and the 500 is replaced. With DEBUG on Django's technical page is kept,
    since the developer needs the trace ("no such table" is an OperationalError too).
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_database_unavailable", False) and not settings.DEBUG:
            return database_unavailable_response()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_DOWN) or settings.DEBUG:
            return None
        logger.error("Database unreachable for %s", request.path, exc_info=exception)
        return database_unavailable_response()


def _note_database_down(sender: object, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_DOWN):
        request._database_unavailable = True  # type: ignore[attr-defined]


got_request_exception.connect(_note_database_down, dispatch_uid="diemen_sociaal.ops.database")


class RequestSizeLimitMiddleware:
    """Refuse a request body over MAX_REQUEST_BODY_SIZE (uploads included) with 413.

    Django limits form data (DATA_UPLOAD_MAX_MEMORY_SIZE) but not uploaded files;
    this stops an oversized upload before anything reads it.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django itself treats a malformed length as an empty body
        limit = settings.MAX_REQUEST_BODY_SIZE
        if length > limit:
            message = (
                "Dit verzoek is te groot. Een bestand of formulier mag hoogstens "
                f"{limit // (1024 * 1024)} MB zijn."
            )
            body = loader.render_to_string("400.html", {"message": message})
            return HttpResponse(body, status=413)
        return self.get_response(request)


class CacheControlMiddleware:
    """No proxy or browser cache ever stores what staff see.

    Everything under the staff prefixes (admin, beheer, accounts) is "private,
    no-store"; so is any page answered to someone with a session, since staff see
    drafts on the public pages too.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(settings.STAFF_PATH_PREFIXES):
            patch_cache_control(response, private=True, no_store=True)
        elif settings.SESSION_COOKIE_NAME in request.COOKIES:
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie"])
        return response


class ReportConditionalGetMiddleware:
    """ETag on the public pages of a report; 304 when the reader's copy is still current.

    The pages of an adopted report never change (only a new release of the site's
    templates can change them), so a reader, a proxy or a crawler revalidating one
    gets a bodiless 304. The ETag is a hash of the page itself, so it is right for
    any report: pages of a report still in the works simply get a new tag after
    each change, and staff (who see a different footer) get their own.

    Deliberately without a query of its own: the public pages pin their number of
    queries. A view that knows its report is adopted adds Last-Modified through
    mark_adopted(), at no cost. "no-cache" makes browsers revalidate every time
    instead of guessing a lifetime from Last-Modified.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _is_report_page(request) or request.method not in ("GET", "HEAD"):
            return response
        if response.status_code != 200 or response.streaming or response.has_header("ETag"):
            return response
        etag = getattr(response, ETAG, None) or page_etag(response.content)
        response.headers["ETag"] = etag
        last_modified = None
        adopted_on = getattr(response, ADOPTED_ON, None)
        if adopted_on is not None:
            midnight = datetime.combine(adopted_on, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
            last_modified = int(midnight.timestamp())
            response.headers["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, no_cache=True)
        answer = get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
        return answer if answer is not None else response


ADOPTED_ON = "report_adopted_on"
ETAG = "report_page_etag"


def page_etag(content: bytes) -> str:
    """The ETag of a report page: a hash of the page itself."""
    return quote_etag(hashlib.sha256(content).hexdigest()[:32])


def mark_adopted(
    response: HttpResponse, adopted_on: date | None, etag: str | None = None
) -> HttpResponse:
    """Tell ReportConditionalGetMiddleware the page belongs to a report adopted on that day.

    For a view (or public.views.cached_when_adopted) that has looked the report up
    anyway; the middleware then adds Last-Modified and honours If-Modified-Since.
    `etag`: the page's page_etag(), when the caller kept it with a cached page.
    """
    setattr(response, ADOPTED_ON, adopted_on)
    if etag is not None:
        setattr(response, ETAG, etag)
    return response


def _is_report_page(request: HttpRequest) -> bool:
    """A public page of one report: /<kind>/<year>/..., the programs namespace."""
    match = request.resolver_match
    return (
        match is not None
        and match.namespace == "programs"
        and "kind" in match.kwargs
        and "year" in match.kwargs
    )


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for login throttling.

    Directly connected: REMOTE_ADDR. Behind TRUSTED_PROXY_COUNT proxies that each
    append to X-Forwarded-For: the entry the outermost trusted proxy added, which a
    client cannot forge (anything it sends itself is further to the left).
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class ProxyCountMiddleware:
    """Logs an error, once per process, when a proxy stands in front but is not counted.

    With DJANGO_TRUSTED_PROXY_COUNT=0 behind a proxy, every visitor has the proxy's
    address, and five wrong passwords for a user name lock that name for everyone. A
    client that talks to gunicorn directly can send the header too, so this only says
    so: refusing such requests would let any client switch the site off.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response
        self.said = settings.TRUSTED_PROXY_COUNT > 0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.said and "HTTP_X_FORWARDED_FOR" in request.META:
            self.said = True
            logger.error(
                "A request came through a proxy (X-Forwarded-For) but DJANGO_TRUSTED_PROXY_COUNT "
                "is 0: every visitor counts as the proxy's address %s for login throttling. "
                "Set DJANGO_TRUSTED_PROXY_COUNT to the number of proxies in front (1 behind "
                "the documented TLS proxy).",
                request.META.get("REMOTE_ADDR"),
            )
        return self.get_response(request)


def rate_key(group: str, request: HttpRequest) -> str:
    """Whose requests count together: a signed-in user's, else one client address's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"address:{client_ip(request)}"


def rate(group: str, request: HttpRequest) -> str:
    """The limit of a group of views (settings.RATE_LIMITS) for this reader."""
    user = getattr(request, "user", None)
    who = "staff" if user is not None and user.is_authenticated else "anonymous"
    return settings.RATE_LIMITS[group][who]


def rate_limited(group: str) -> Callable[[ViewFunction], ViewFunction]:
    """Limit a view with django-ratelimit, by this site's key and limits (settings.RATE_LIMITS)."""
    return ratelimit(group=group, key=rate_key, rate=rate, block=True)


def too_many_requests(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The Dutch 429 page for a reader over a rate limit (django-ratelimit's RATELIMIT_VIEW)."""
    body = loader.render_to_string("429_rate.html", {"seconds": RATE_RETRY_SECONDS}, request)
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(RATE_RETRY_SECONDS)
    patch_cache_control(response, private=True, no_store=True)
    return response


# The limits count per minute; a minute is the longest a refused reader has to wait.
RATE_RETRY_SECONDS = 60


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """The Dutch page for a locked-out login (django-axes), the same whether the user exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    body = loader.render_to_string("429.html", {"minutes": minutes}, request=request)
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed and compressed static files, tolerant of dead links in packages.

    The NL Design System token package ships a stylesheet we do not use
    (background-image-icon.css) that points at images it does not contain;
    collectstatic would stop on it. Such a reference is left as it is. A page that
    asks for a file missing from the manifest still fails loudly (manifest_strict).
    """

    def hashed_name(self, name: str, content: Any = None, filename: str | None = None) -> str:
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is not None:
                raise
            logger.info("Static file %s is referenced but missing; left unhashed", name)
            return name


class CollectedStaticFinder(BaseFinder):
    """Finds static files by their hashed names ("css/print.be29f2973235.css") in STATIC_ROOT.

    With DEBUG off {% static %} writes hashed names, which the other finders (they
    know the source files) cannot find. The PDF renderer looks its stylesheets up
    through the finders; without this it would silently render adopted reports,
    frozen ever after, without their print stylesheet. Lists nothing, so
    collectstatic never copies STATIC_ROOT onto itself.
    """

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:  # both overloads
        try:
            candidate = safe_join(str(settings.STATIC_ROOT), path)
        except SuspiciousFileOperation:
            candidate = None
        if candidate is None or not Path(candidate).is_file():
            return [] if find_all else None
        return [candidate] if find_all else candidate

    def list(self, ignore_patterns: Any) -> list[tuple[str, Any]]:
        return []
