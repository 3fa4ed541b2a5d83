"""Tripletex's reference tables the mapping needs, by ISO code: its ids are the company's own
(a country's or a currency's id is not its ISO number), so they are looked up, never assumed.
Kept per portal: a client's company id 0 means "the token's own", whichever company that is."""

from __future__ import annotations

from ..clients.errors import ApiError
from .context import SyncContext
from .outcome import stop_for
from .remembered import remembered


def by_code(ctx: SyncContext, path: str, code_field: str) -> dict[str, int]:
    """Every row of `path` (`/country`, `/currency`), its id by upper-case code."""
    try:
        return {
            str(row.get(code_field) or "").upper(): row["id"]
            for row in ctx.tripletex.list(path, fields=f"id,{code_field}")
            if row.get(code_field)
        }
    except ApiError as error:
        raise stop_for(error, idempotent=True) from error


def countries(ctx: SyncContext) -> dict[str, int]:
    return by_code(ctx, "/country", "isoAlpha2Code")


def currencies(ctx: SyncContext) -> dict[str, int]:
    client = ctx.tripletex
    return dict(
        remembered(
            ("currencies", client.base_url, ctx.portal_id),
            lambda: by_code(ctx, "/currency", "code"),
        )
    )
