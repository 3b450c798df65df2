"""A small Selling Partner API client for the Reports API 2021-06-30 and the Login with Amazon token endpoint.

Standard library only (urllib), so that both hosts can be any URL, plain `http://127.0.0.1:PORT` included, and the
CLI gains no HTTP stack for three calls. It follows the published models: an LWA access token from the refresh
token (`grant_type=refresh_token`), sent as `x-amz-access-token`; JSON bodies; `{"errors": [...]}` on failure;
429 and 5xx retried with backoff paced by the `x-amzn-RateLimit-Limit` header Amazon sends (requests per second).
Report documents are fetched from their pre-signed URL without the access token, which must not leave SP-API.
"""

from __future__ import annotations

import gzip
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from healthcheck import __version__
from healthcheck.errors import AuthError, FetchError
from healthcheck.fetch.credentials import Credentials
from healthcheck.fetch.regions import Endpoints
from healthcheck.sanitize import one_line

REPORTS = "/reports/2021-06-30"
TOKENS = "/tokens/2021-03-01/restrictedDataToken"
# Published default rates (requests per second) of each operation, for pacing retries when a throttled answer
# lacks the x-amzn-RateLimit-Limit header: createReport and getReportDocument 0.0167 (burst 15), getReport 2
# (burst 15), createRestrictedDataToken 1 (burst 10).
RATE_CREATE_REPORT = 0.0167
RATE_GET_REPORT = 2.0
RATE_GET_DOCUMENT = 0.0167
RATE_RESTRICTED_TOKEN = 1.0
USER_AGENT = f"healthcheck/{__version__} (Language=Python)"
MAX_ATTEMPTS = 6
MAX_WAIT_SECONDS = 60.0
HTTP_TIMEOUT_SECONDS = 60.0
# Renew the access token this long before Amazon says it expires (it lives an hour), so no call races its expiry.
TOKEN_MARGIN_SECONDS = 60.0


@dataclass(frozen=True)
class _Response:
    status: int
    headers: dict[str, str]
    body: bytes


class SpApiClient:
    """Authenticated calls to SP-API; raises FetchError (AuthError for credentials) with the fix in the message."""

    def __init__(
        self,
        credentials: Credentials,
        endpoints: Endpoints,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._credentials = credentials
        self._endpoints = endpoints
        self._sleep = sleep
        self._clock = clock
        self._token: str | None = None
        self._token_expires = 0.0

    # ------------------------------------------------------------------------------------------------
    # Reports API

    def create_report(
        self,
        report_type: str,
        start: str | None,
        end: str | None,
        *,
        options: Mapping[str, str] | None = None,
        role: str | None = None,
    ) -> str:
        """Ask for a report; `role` is the restricted role it needs beyond Reports, named if Amazon refuses."""
        body: dict[str, Any] = {"reportType": report_type, "marketplaceIds": [self._endpoints.marketplace_id]}
        if start is not None:
            body["dataStartTime"] = start
        if end is not None:
            body["dataEndTime"] = end
        if options:
            body["reportOptions"] = dict(options)
        answer = self._call("POST", f"{REPORTS}/reports", body, rate=RATE_CREATE_REPORT, role=(report_type, role))
        report_id = answer.get("reportId")
        if not isinstance(report_id, str) or not report_id:
            raise FetchError(f"createReport for {report_type} answered without a reportId; try again later")
        return report_id

    def get_report(self, report_id: str) -> dict[str, Any]:
        return self._call("GET", f"{REPORTS}/reports/{urllib.parse.quote(report_id, safe='')}", rate=RATE_GET_REPORT)

    def get_report_document(
        self, document_id: str, *, restricted: bool = False, report_type: str = "", role: str | None = None
    ) -> dict[str, Any]:
        """The document's download URL. A restricted report type (Amazon's list: buyer data) needs a Restricted
        Data Token from the Tokens API for exactly this path instead of the access token; `role` is the
        restricted role the report needs, named if Amazon refuses."""
        path = f"{REPORTS}/documents/{urllib.parse.quote(document_id, safe='')}"
        if not restricted:
            return self._call("GET", path, rate=RATE_GET_DOCUMENT, role=(report_type, role))
        resources = {"restrictedResources": [{"method": "GET", "path": path}]}
        grant = self._call("POST", TOKENS, resources, rate=RATE_RESTRICTED_TOKEN, role=(report_type, role))
        token = grant.get("restrictedDataToken")
        if not isinstance(token, str) or not token:
            raise FetchError("the Tokens API answered without a restrictedDataToken; try again later")
        return self._call("GET", path, token=token, rate=RATE_GET_DOCUMENT, role=(report_type, role))

    def download(self, document: dict[str, Any]) -> bytes:
        """The document's bytes, unpacked when Amazon says it is GZIP."""
        url = document.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise FetchError("getReportDocument answered without a download URL; try again later")
        response = self._send(urllib.request.Request(url, headers={"User-Agent": USER_AGENT}), what="download")
        if response.status != 200:
            raise FetchError(
                f"the report document download failed with HTTP {response.status}; the pre-signed URL lives five "
                "minutes, so run the fetch again"
            )
        data = response.body
        if str(document.get("compressionAlgorithm") or "").upper() == "GZIP":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError, zlib.error):
                raise FetchError("a GZIP report document did not unpack; run the fetch again") from None
        return data

    # ------------------------------------------------------------------------------------------------
    # Plumbing

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        rate: float,
        token: str | None = None,
        role: tuple[str, str | None] = ("", None),
    ) -> dict[str, Any]:
        """One call; `role` is (report type, the restricted role it needs), for the message when Amazon refuses."""
        payload = json.dumps(body).encode() if body is not None else None
        refreshed = token is not None  # a restricted data token is not renewed like the access token
        while True:
            request = urllib.request.Request(
                self._endpoints.api + path,
                data=payload,
                method=method,
                headers={
                    "x-amz-access-token": token or self._access_token(),
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                    "User-Agent": USER_AGENT,
                },
            )
            response = self._send(request, what=path, rate=rate)
            if response.status == 403 and not refreshed:
                # An access token that expired between our check and Amazon's: renew it once and try again.
                self._token = None
                refreshed = True
                continue
            break
        document = _json(response.body)
        if response.status in (200, 202):
            return document if isinstance(document, dict) else {}
        detail = _error_text(document)
        report_type, needed = role
        if response.status in (401, 403) and needed is not None:
            what = "the restricted data token for " if token is not None else ""
            raise AuthError(
                f"SP-API refused {what}{report_type} ({detail or response.status}); fix: that report holds buyer "
                f"data, so the app needs the restricted role {needed}, granted in the Developer Profile of Seller "
                "Central (then re-authorise the app for this seller account)"
            )
        if response.status in (401, 403):
            raise AuthError(
                f"SP-API refused access ({detail or response.status}); fix: check the app is authorised for "
                "this seller account with the Reports role, and re-authorise it in Seller Central if it was revoked"
            )
        raise FetchError(f"SP-API {method} {path} failed with HTTP {response.status}: {detail or 'no detail'}")

    def _access_token(self) -> str:
        if self._token is not None and self._clock() < self._token_expires:
            return self._token
        form = urllib.parse.urlencode(
            {
                "grant_type": "refresh_token",
                "refresh_token": self._credentials.refresh_token,
                "client_id": self._credentials.app_id,
                "client_secret": self._credentials.client_secret,
            }
        ).encode()
        request = urllib.request.Request(
            self._endpoints.token_url,
            data=form,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8", "User-Agent": USER_AGENT},
        )
        response = self._send(request, what="the Login with Amazon token endpoint")
        document = _json(response.body)
        if response.status != 200 or not isinstance(document, dict) or not document.get("access_token"):
            raise _token_error(self._credentials, response.status, document)
        expires_in = document.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 3600.0
        self._token = str(document["access_token"])
        self._token_expires = self._clock() + max(0.0, lifetime - TOKEN_MARGIN_SECONDS)
        return self._token

    def _send(self, request: urllib.request.Request, *, what: str, rate: float | None = None) -> _Response:
        """One request, retried on 429 and 5xx; any other status is returned for the caller to judge. `rate` is
        the operation's published rate, used when a throttled answer does not say its own."""
        for attempt in range(MAX_ATTEMPTS):
            try:
                with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as handle:
                    response = _Response(handle.status, dict(handle.headers.items()), handle.read())
            except urllib.error.HTTPError as exc:
                response = _Response(exc.code, dict(exc.headers.items()), exc.read())
            except (urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                # Host and port only: a proxy's URL may carry a user and password before the `@`.
                host = urllib.parse.urlsplit(request.full_url).netloc.rpartition("@")[2]
                raise FetchError(
                    f"cannot reach {host} for {what} ({reason}); fix: check the network, or the "
                    "HEALTHCHECK_SPAPI_ENDPOINT / HEALTHCHECK_LWA_TOKEN_URL settings"
                ) from None
            if response.status != 429 and response.status < 500:
                return response
            if attempt + 1 < MAX_ATTEMPTS:
                self._sleep(_backoff(response.headers, attempt, rate if response.status == 429 else None))
        what_failed = "throttled (429)" if response.status == 429 else f"failing (HTTP {response.status})"
        raise FetchError(
            f"SP-API kept {what_failed} for {what} after {MAX_ATTEMPTS} attempts; fix: wait a few minutes "
            "and run the fetch again (another tool on the same account may be using its request quota)"
        )


def _backoff(headers: dict[str, str], attempt: int, published: float | None) -> float:
    """Wait for the quota to refill by one request at the rate Amazon states (its header, else the operation's
    published rate), longer at each attempt; with no rate at all (a 5xx), 1, 2, 4, ... seconds."""
    limit = {k.lower(): v for k, v in headers.items()}.get("x-amzn-ratelimit-limit")
    try:
        rate = float(limit) if limit is not None else published or 0.0
    except ValueError:
        rate = published or 0.0
    if rate > 0:
        return min(MAX_WAIT_SECONDS, (attempt + 1) / rate)
    return min(MAX_WAIT_SECONDS, 2.0**attempt)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8")) if body else {}
    except (UnicodeDecodeError, ValueError):
        return {}


def _error_text(document: Any) -> str:
    """`code: message` of SP-API's error list, as one clean line: Amazon's text is quoted in our messages."""
    if not isinstance(document, dict):
        return ""
    errors = document.get("errors")
    if not isinstance(errors, list):
        return ""
    parts = [f"{e.get('code', '')}: {e.get('message', '')}".strip(": ") for e in errors if isinstance(e, dict)]
    return one_line("; ".join(p for p in parts if p)[:300])


def _token_error(credentials: Credentials, status: int, document: Any) -> AuthError:
    """One clear message per way Login with Amazon says no; never the secrets, nor the body that might echo them."""
    code = str(document.get("error") or "") if isinstance(document, dict) else ""
    where = credentials.named("refresh_token")
    if code == "invalid_grant":
        return AuthError(
            f"Login with Amazon refused the refresh token of account {credentials.account!r} (invalid_grant): it "
            f"has expired or been revoked; fix: re-authorise the app in Seller Central (Apps and Services > "
            f"Manage Your Apps) and put the new refresh token in {where}"
        )
    if code in ("invalid_client", "unauthorized_client"):
        return AuthError(
            f"Login with Amazon refused the app's id or client secret for account {credentials.account!r} "
            f"({code}); fix: copy the app's id and client secret again from Seller Central > Develop Apps into "
            f"{credentials.named('app_id', 'client_secret')} (a rotated client secret must be replaced)"
        )
    return AuthError(
        f"Login with Amazon did not issue an access token (HTTP {status}{', ' + code if code else ''}); fix: check "
        "the credentials of account "
        f"{credentials.account!r} and HEALTHCHECK_LWA_TOKEN_URL if it is set"
    )
