"""The fetch tests' local SP-API server, with the environment pointing at it and nothing of the machine's own
credentials in the way (a test module that needs more of it defines its own `api`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_spapi import FakeSpApi, running_spapi


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSpApi]:
    with running_spapi() as server:
        for name in ("LWA_APP_ID", "LWA_CLIENT_SECRET", "SP_API_REFRESH_TOKEN"):
            monkeypatch.delenv(name, raising=False)
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        yield server
