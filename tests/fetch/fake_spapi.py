"""A local HTTP server speaking the SP-API Reports API 2021-06-30 and the Login with Amazon token endpoint, as
documented, for the fetch tests: the client under test talks real HTTP to it on 127.0.0.1.

Reports go IN_QUEUE, then IN_PROGRESS, then DONE (or what a test asks for: CANCELLED, FATAL, or stuck). A DONE
report's document is the rows of the bundled sample files whose date lies in the requested range (all rows for the
report types that take no range), GZIP-compressed at a pre-signed-style URL on the same server; a range with no
rows is CANCELLED, as Amazon does. The demo account has no FBA returns and no VAT invoices: a test that wants them
gives the server files built from real rows (`amazon_files.py`). createReport has Amazon's burst of 15, refilled at
the rate its 429 answers state.
"""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parents[2] / "sample_reports"
FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "formats"

APP_ID = "amzn1.application-oa2-client.test-app-0123456789"
CLIENT_SECRET = "amzn1.oa2-cs.v1.test-secret-9b8a7c6d5e4f"
REFRESH_TOKEN = "Atzr|test-refresh-token-IwEBIA-5f4e3d2c1b"

# What SP-API serves, mapped to the sample files holding that kind, and the column (and format) dating each row.
SERVED: dict[str, tuple[tuple[str, ...], str | None, str | None]] = {
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL": (
        ("all_orders_1.txt", "all_orders_2.txt"),
        "last-updated-date",
        None,
    ),
    "GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING": (("order_report.txt",), None, None),
    "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL": (("fba_shipments.txt",), "shipment-date", None),
    "GET_SELLER_FEEDBACK_DATA": (("feedback.txt",), "Date", "%m/%d/%y"),
    "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE": (("mfn_returns.txt",), "Return request date", "%d-%b-%Y"),
    "GET_V2_SELLER_PERFORMANCE_REPORT": (("seller_performance.json",), None, None),
    # None in the demo account: every range is CANCELLED unless a test gives the server a file (`FakeSpApi.files`).
    "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA": ((), "return-date", None),
    "GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT": ((), None, None),
}
# Asked for only when the seller opts in.
OPT_IN = {"GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT"}
# Amazon's restricted report types: getReportDocument wants a Restricted Data Token from the Tokens API, which
# Amazon refuses for the document of any other report type.
RESTRICTED = {"GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING"}
# Report types whose createReport needs a restricted role of the app beyond Reports.
TAX_INVOICING = {"GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT"}
VAT_OPTIONS = ({"ReportOption=pendingInvoices": "true"}, {"ReportOption=All": "true"})
# Not served by SP-API: the seller's own files.
SELLERS_OWN = ("cancellations.txt", "claims.txt", "messages.txt", "ship_confirmations.txt")

FAST_RATE = "50"  # x-amzn-RateLimit-Limit on throttled answers: the client waits 1/50 s, keeping tests fast


@dataclass
class Report:
    report_id: str
    report_type: str
    start: str | None
    end: str | None
    options: dict[str, str] = field(default_factory=dict)
    polls: int = 0
    document: bytes | None = None


@dataclass
class FakeSpApi:
    """State the tests set (outcomes, throttling, revoked tokens) and read (requests seen)."""

    port: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)  # report type -> CANCELLED / FATAL / STUCK
    throttle_create: int = 0  # answer this many createReport calls with 429 first
    fail_document_once: bool = False  # answer one getReportDocument with 503
    revoked: bool = False
    reports: dict[str, Report] = field(default_factory=dict)
    documents: dict[str, bytes] = field(default_factory=dict)
    seen: Counter[str] = field(default_factory=Counter)
    leaked_token_to_s3: bool = False
    tokens: set[str] = field(default_factory=set)
    restricted_tokens: dict[str, str] = field(default_factory=dict)  # token -> the one path it opens
    files: dict[str, tuple[Path, ...]] = field(default_factory=dict)  # report type -> files served instead
    tax_invoicing_role: bool = True  # the app holds the Tax Invoicing (Restricted) role
    denial: str = "Access to requested resource is denied."  # the message of createReport's 403 without the role
    create_burst: int = 15  # createReport's burst; refilled at create_rate per second
    create_rate: float = float(FAST_RATE)
    _create_tokens: float = 15.0
    _create_refilled: float = field(default_factory=time.monotonic)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(50000001))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            "HEALTHCHECK_SPAPI_ENDPOINT": self.base,
            "HEALTHCHECK_LWA_TOKEN_URL": f"{self.base}/auth/o2/token",
            "LWA_APP_ID": APP_ID,
            "LWA_CLIENT_SECRET": CLIENT_SECRET,
            "SP_API_REFRESH_TOKEN": REFRESH_TOKEN,
        }

    def take_create_token(self) -> bool:
        """Amazon's token bucket for createReport: False when the burst is spent (a 429)."""
        now = time.monotonic()
        elapsed, self._create_refilled = now - self._create_refilled, now
        self._create_tokens = min(float(self.create_burst), self._create_tokens + elapsed * self.create_rate)
        if self._create_tokens < 1:
            return False
        self._create_tokens -= 1
        return True

    def document_for(self, report: Report) -> bytes | None:
        names, column, fmt = SERVED[report.report_type]
        paths = self.files.get(report.report_type) or tuple(SAMPLES / name for name in names)
        if not paths:
            return None
        if column is None or report.start is None or report.end is None:
            return paths[0].read_bytes()
        start, end = _moment(report.start), _moment(report.end)
        header: bytes | None = None
        rows: list[bytes] = []
        for path in paths:
            lines = path.read_bytes().splitlines(keepends=True)
            header = header or lines[0]
            index = lines[0].decode().rstrip("\r\n").split("\t").index(column)
            for line in lines[1:]:
                value = line.decode().rstrip("\r\n").split("\t")[index]
                moment = _row_moment(value, fmt)
                if start <= moment < end:
                    rows.append(line)
        return header + b"".join(rows) if rows and header else None


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _row_moment(value: str, fmt: str | None) -> dt.datetime:
    if fmt is None:
        return _moment(value)
    return dt.datetime.strptime(value, fmt).replace(tzinfo=dt.UTC)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return

    def _send(self, status: int, body: dict[str, Any] | bytes, headers: dict[str, str] | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if not isinstance(body, bytes) else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        state = self.server.state
        if self.headers.get("x-amz-access-token") in state.tokens:
            return True
        self._send(403, {"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied."}]})
        return False

    def do_POST(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        path = urllib.parse.urlsplit(self.path).path
        state.seen[f"POST {path}"] += 1
        if path == "/auth/o2/token":
            form = dict(urllib.parse.parse_qsl(body.decode()))
            if form.get("client_id") != APP_ID or form.get("client_secret") != CLIENT_SECRET:
                self._send(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
            elif state.revoked or form.get("refresh_token") != REFRESH_TOKEN:
                self._send(
                    400,
                    {
                        "error": "invalid_grant",
                        "error_description": "The request has an invalid grant parameter : refresh_token",
                    },
                )
            else:
                token = f"Atza|access-{len(state.tokens) + 1}"
                state.tokens.add(token)
                self._send(200, {"access_token": token, "token_type": "bearer", "expires_in": 3600})
            return
        if path not in ("/reports/2021-06-30/reports", "/tokens/2021-03-01/restrictedDataToken"):
            self._send(404, {"errors": [{"code": "NotFound", "message": "Resource not found"}]})
            return
        if not self._authorised():
            return
        if path.startswith("/tokens/"):
            resources = json.loads(body).get("restrictedResources") or []
            opened = resources[0]["path"] if resources else ""
            report = state.reports.get(opened.rsplit(".", 1)[-1])
            if report is None or report.report_type not in RESTRICTED:
                # What Amazon answers for the document of a report type that is not restricted (the VAT invoices).
                self._send(
                    400, {"errors": [{"code": "InvalidInput", "message": "Invalid or unsupported document ID found"}]}
                )
                return
            token = f"Atz.sprdt|{len(state.restricted_tokens) + 1}"
            state.restricted_tokens[token] = opened
            self._send(200, {"restrictedDataToken": token, "expiresIn": 3600})
            return
        if state.throttle_create > 0:
            state.throttle_create -= 1
            self._throttled(FAST_RATE)
            return
        if not state.take_create_token():
            self._throttled(f"{state.create_rate:g}")
            return
        request = json.loads(body)
        report_type, options = request.get("reportType"), request.get("reportOptions") or {}
        if report_type not in SERVED or not request.get("marketplaceIds"):
            self._send(400, {"errors": [{"code": "InvalidInput", "message": "Invalid input"}]})
            return
        if report_type in TAX_INVOICING and not state.tax_invoicing_role:
            self._send(403, {"errors": [{"code": "Unauthorized", "message": state.denial}]})
            return
        if report_type in TAX_INVOICING and options not in VAT_OPTIONS:
            self._send(400, {"errors": [{"code": "InvalidInput", "message": "pendingInvoices or All must be true"}]})
            return
        report_id = str(next(state._ids))
        state.reports[report_id] = Report(
            report_id, report_type, request.get("dataStartTime"), request.get("dataEndTime"), options
        )
        self._send(202, {"reportId": report_id}, {"x-amzn-RateLimit-Limit": "0.0167"})

    def _throttled(self, rate: str) -> None:
        self.server.state.seen["429"] += 1
        quota = {"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource."}
        self._send(429, {"errors": [quota]}, {"x-amzn-RateLimit-Limit": rate})

    def do_GET(self) -> None:
        state = self.server.state
        path = urllib.parse.urlsplit(self.path).path
        state.seen[f"GET {path.rsplit('/', 1)[0]}"] += 1
        if path.startswith("/s3/"):
            if self.headers.get("x-amz-access-token"):
                state.leaked_token_to_s3 = True
            data = state.documents.get(path.removeprefix("/s3/"))
            self._send(200, gzip.compress(data, compresslevel=1)) if data is not None else self._send(404, b"NoSuchKey")
            return
        if path.startswith("/reports/2021-06-30/documents/"):
            report = state.reports.get(path.rsplit(".", 1)[-1])
            if report is not None and report.report_type in RESTRICTED:
                if state.restricted_tokens.get(self.headers.get("x-amz-access-token", "")) != path:
                    self._send(403, {"errors": [{"code": "Unauthorized", "message": "Restricted Data Token needed"}]})
                    return
            elif not self._authorised():
                return
        elif not self._authorised():
            return
        if path.startswith("/reports/2021-06-30/reports/"):
            self._report(path.rsplit("/", 1)[1])
        elif path.startswith("/reports/2021-06-30/documents/"):
            if state.fail_document_once:
                state.fail_document_once = False
                self._send(
                    503,
                    {"errors": [{"code": "ServiceUnavailable", "message": "Try again"}]},
                    {"x-amzn-RateLimit-Limit": FAST_RATE},
                )
                return
            document_id = path.rsplit("/", 1)[1]
            url = f"{state.base}/s3/{document_id}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=0f"
            self._send(200, {"reportDocumentId": document_id, "url": url, "compressionAlgorithm": "GZIP"})
        else:
            self._send(404, {"errors": [{"code": "NotFound", "message": "Resource not found"}]})

    def _report(self, report_id: str) -> None:
        state = self.server.state
        report = state.reports.get(report_id)
        if report is None:
            self._send(404, {"errors": [{"code": "NotFound", "message": f"Report {report_id} not found"}]})
            return
        report.polls += 1
        outcome = state.outcomes.get(report.report_type, "DONE")
        body: dict[str, Any] = {
            "reportId": report_id,
            "reportType": report.report_type,
            "marketplaceIds": ["ATVPDKIKX0DER"],
            "createdTime": "2026-12-01T00:00:00Z",
        }
        if report.start:
            body["dataStartTime"] = report.start
        if report.end:
            body["dataEndTime"] = report.end
        if outcome == "STUCK" or report.polls <= 2:
            body["processingStatus"] = "IN_QUEUE" if report.polls == 1 else "IN_PROGRESS"
        elif outcome in ("CANCELLED", "FATAL"):
            body["processingStatus"] = outcome
            if outcome == "FATAL":  # Amazon may name a document that says why
                document_id = f"amzn1.spdoc.1.4.na.{report_id}"
                state.documents[document_id] = json.dumps({"errorDetails": "Report processing failed"}).encode()
                body["reportDocumentId"] = document_id
        else:
            report.document = report.document or state.document_for(report)
            if report.document is None:
                body["processingStatus"] = "CANCELLED"
            else:
                document_id = f"amzn1.spdoc.1.4.na.{report_id}"
                state.documents[document_id] = report.document
                body.update(processingStatus="DONE", reportDocumentId=document_id)
        self._send(200, body, {"x-amzn-RateLimit-Limit": "2.0"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: FakeSpApi) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


@contextmanager
def running_spapi() -> Iterator[FakeSpApi]:
    state = FakeSpApi()
    server = _Server(state)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
