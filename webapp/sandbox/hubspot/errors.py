"""HubSpot's error body, raised as an exception anywhere and rendered in one place."""

from __future__ import annotations

import uuid

from flask import jsonify


class ApiFailure(Exception):
    """An error HubSpot would answer with: `{status, message, correlationId, category, ...}`."""

    def __init__(
        self,
        status: int,
        message: str,
        category: str = "VALIDATION_ERROR",
        *,
        errors: list | None = None,
        context: dict | None = None,
        headers: dict | None = None,
        **extra,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.category = category
        self.errors = errors or []
        self.context = context or {}
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict:
        body = {
            "status": "error",
            "message": self.message,
            "correlationId": str(uuid.uuid4()),
            "category": self.category,
        }
        if self.errors:
            body["errors"] = self.errors
        if self.context:
            body["context"] = self.context
        body.update(self.extra)
        return body

    def item(self) -> dict:
        """Return the StandardError form used inside a 207 batch response."""
        return {
            "status": "error",
            "category": self.category,
            "message": self.message,
            "context": self.context,
            "errors": self.errors,
            "links": {},
        }


def render(failure: ApiFailure):
    """Turn a failure into a Flask response."""
    response = jsonify(failure.body())
    response.status_code = failure.status
    response.headers["X-HubSpot-Correlation-Id"] = response.json["correlationId"]
    for key, value in failure.headers.items():
        response.headers[key] = value
    return response


def not_found(message: str = "Resource not found") -> ApiFailure:
    return ApiFailure(404, message, "OBJECT_NOT_FOUND")


def invalid(message: str, **kwargs) -> ApiFailure:
    return ApiFailure(400, message, "VALIDATION_ERROR", **kwargs)
