"""What services may know of the current request without reading ``request`` themselves:
the client's address, set by the request layer (create_app) for the audit log."""

from __future__ import annotations

from contextvars import ContextVar

client_address: ContextVar[str] = ContextVar("client_address", default="")
