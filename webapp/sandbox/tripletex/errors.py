"""Tripletex's ApiError envelope, raised from anywhere and rendered by one error handler."""

from __future__ import annotations

from flask import g, jsonify

LINK = "https://tripletex.no/v2-docs/"
VALIDATION_FAILED = "Validering feilet."
REQUIRED = "Feltet må fylles ut."
NOT_NULL = "Kan ikke være null."
NO_ID_ON_CREATE = "ID kan ikke settes når man oppretter et objekt."


class TripletexError(Exception):
    """An error answer with Tripletex's status, internal code and validation messages."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        validation: list[tuple[str, str]] | None = None,
        developer_message: str | None = None,
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.validation = validation or []
        self.developer_message = developer_message
        self.headers = headers or {}
        self.index: int | None = None  # the item of a /list write this error is about
        self.committed = False  # the write stands although the answer is an error

    def at(self, index: int) -> TripletexError:
        """Say the error is about item `index` of a list write: path "[i].field", rootId 0."""
        if self.index is None:
            self.index = index
        return self

    def body(self, request_id: str) -> dict:
        return {
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "link": LINK,
            "developerMessage": self.developer_message,
            "validationMessages": [
                {
                    "field": field,
                    "message": text,
                    "path": field if self.index is None else f"[{self.index}].{field or ''}",
                    "rootId": None if self.index is None else 0,
                }
                for field, text in self.validation
            ],
            "requestId": request_id,
        }


def validation(field: str, message: str, *more: tuple[str, str]) -> TripletexError:
    """422 / 18000 with one or more field messages."""
    return TripletexError(
        422,
        18000,
        VALIDATION_FAILED,
        validation=[(field, message), *more],
        developer_message="VALIDATION_ERROR",
    )


def required(*fields: str) -> TripletexError:
    return TripletexError(
        422,
        18000,
        VALIDATION_FAILED,
        validation=[(f, REQUIRED) for f in fields],
        developer_message="VALIDATION_ERROR",
    )


def missing_params(*params: str) -> TripletexError:
    return TripletexError(
        422,
        18000,
        VALIDATION_FAILED,
        validation=[(p, NOT_NULL) for p in params],
        developer_message="VALIDATION_ERROR",
    )


def bad_param(param: str, message: str = "Ugyldig verdi.") -> TripletexError:
    """422 / 21000 (Param Exception): a query parameter whose value Tripletex cannot use."""
    return TripletexError(
        422,
        21000,
        VALIDATION_FAILED,
        validation=[(param, message)],
        developer_message="PARAM_ERROR",
    )


def not_found(what: str = "Objektet") -> TripletexError:
    return TripletexError(404, 6000, f"{what} finnes ikke.")


def unauthorized(message: str = "Autentisering feilet.") -> TripletexError:
    return TripletexError(401, 3000, message)


def forbidden(message: str = "Du har ikke tilgang til denne funksjonen.") -> TripletexError:
    return TripletexError(403, 9000, message)


def bad_request(message: str, code: int = 4000) -> TripletexError:
    return TripletexError(400, code, message)


def render(error: TripletexError):
    """Flask response for a TripletexError."""
    response = jsonify(error.body(g.get("request_id", "")))
    response.status_code = error.status
    response.headers.update(error.headers)
    return response
