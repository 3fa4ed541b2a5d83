"""The Files API (2026-03): upload by multipart, read, delete, signed URLs, and the file URLs.

As the 2026-03 files spec and guide have it (https://developers.hubspot.com/docs/
api-reference/2026-03/files/guide): `file` is required; `folderId` or `folderPath`, one of
them, not both; `options` is a JSON string whose `access` is required and whose `ttl` (1 day
to 1 year) deletes the file for good when it runs out. PRIVATE files need a signed URL to be
read; public ones answer at their `url` to anyone. Duplicates are judged by content
(duplicateValidationStrategy NONE, REJECT or RETURN_EXISTING, within ENTIRE_PORTAL or
EXACT_FOLDER); a name taken in the folder is replaced with `overwrite`, else the new file
gets a numbered name.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets

from flask import Blueprint, Response, g, jsonify, request

from .errors import ApiFailure, invalid, not_found
from .gateway import api, sandbox
from .state import Portal, iso

bp = Blueprint("hubspot_files", __name__)
V = 'any("2026-03", "2026-09"):version'
READ = ["files", "files.read", "files.ui_hidden.read"]
WRITE = ["files", "files.write", "files.ui_hidden.write"]
DELETE = ["files", "files.delete", "files.ui_hidden.write"]
ACCESS = {
    "PUBLIC_INDEXABLE",
    "PUBLIC_NOT_INDEXABLE",
    "PRIVATE",
    "HIDDEN_INDEXABLE",
    "HIDDEN_NOT_INDEXABLE",
    "HIDDEN_PRIVATE",
    "HIDDEN_SENSITIVE",
    "SENSITIVE",
}
PUBLIC = {"PUBLIC_INDEXABLE", "PUBLIC_NOT_INDEXABLE", "HIDDEN_INDEXABLE", "HIDDEN_NOT_INDEXABLE"}
DAY, YEAR = 86400, 365 * 86400
SIGNED_DEFAULT = 3600  # seconds a signed URL works when expirationSeconds is left out
_KINDS = {
    "IMG": {"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico"},
    "DOCUMENT": {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv", "odt", "rtf"},
    "AUDIO": {"mp3", "wav", "ogg", "m4a"},
    "MOVIE": {"mp4", "mov", "avi", "webm"},
}
_DURATION = re.compile(r"^P(\d+)([DWMY])$")


def _ttl_seconds(raw) -> int:
    """Read options.ttl, an ISO-8601 period such as P30D or P1Y, between a day and a year."""
    found = _DURATION.match(str(raw))
    if not found:
        raise invalid(f"options.ttl must be a period such as P30D, P6M or P1Y, not {raw!r}")
    count, unit = int(found.group(1)), found.group(2)
    seconds = count * {"D": DAY, "W": 7 * DAY, "M": 30 * DAY, "Y": YEAR}[unit]
    if not DAY <= seconds <= YEAR:
        raise invalid("options.ttl must be at least 1 day and at most 1 year")
    return seconds


def _options() -> dict:
    raw = request.form.get("options")
    if raw is None:
        raise invalid("options is required: a JSON object with at least `access`")
    try:
        options = json.loads(raw)
    except ValueError:
        raise invalid("options must be a JSON object") from None
    if not isinstance(options, dict) or options.get("access") not in ACCESS:
        raise invalid(f"options.access is required, one of {', '.join(sorted(ACCESS))}")
    for name, allowed in (
        ("duplicateValidationStrategy", {"NONE", "REJECT", "RETURN_EXISTING"}),
        ("duplicateValidationScope", {"ENTIRE_PORTAL", "EXACT_FOLDER"}),
    ):
        if name in options and options[name] not in allowed:
            raise invalid(f"options.{name} must be one of {', '.join(sorted(allowed))}")
    return options


def _folder(portal: Portal) -> dict:
    """Return the folder an upload names (a path is created as needed)."""
    folder_id, path = request.form.get("folderId"), request.form.get("folderPath")
    if bool(folder_id) == bool(path):
        raise invalid("Give folderId or folderPath (one of them, not both)")
    if folder_id:
        folder = portal.folders.get(folder_id)
        if folder is None or folder["archived"]:
            raise not_found(f"No folder with id {folder_id}")
        return folder
    parent = None
    for part in [p for p in path.strip().split("/") if p]:
        found = next(
            (
                f
                for f in portal.folders.values()
                if f["name"] == part and f.get("parentFolderId") == parent and not f["archived"]
            ),
            None,
        )
        if found is None:
            now = iso(sandbox().clock.now())
            above = portal.folders[parent]["path"] if parent else ""
            found = {
                "id": sandbox().state.next_schema_id(),
                "name": part,
                "path": f"{above}/{part}",
                "archived": False,
                "createdAt": now,
                "updatedAt": now,
            }
            if parent:
                found["parentFolderId"] = parent
            portal.folders[found["id"]] = found
        parent = found["id"]
    if parent is None:
        raise invalid("folderPath must name a folder, such as /invoices")
    return portal.folders[parent]


def _split(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    return (stem, extension.lower()) if dot and stem else (name, "")


def _kind(extension: str) -> str:
    return next((k for k, exts in _KINDS.items() if extension in exts), "OTHER")


def _live(portal: Portal) -> list[dict]:
    """Return the portal's files, first deleting those whose ttl has run out."""
    now_ms = int(sandbox().clock.now() * 1000)
    for file in list(portal.files.values()):
        if file.get("expiresAt") and file["expiresAt"] <= now_ms:
            del portal.files[file["id"]]  # "permanently deleted ... cannot be recovered"
    return [f for f in portal.files.values() if not f["archived"]]


def _file(portal: Portal, file_id: str) -> dict:
    found = next((f for f in _live(portal) if f["id"] == file_id), None)
    if found is None:
        raise not_found(f"File {file_id} does not exist")
    return found


def _url(portal: Portal, file: dict) -> str:
    return f"{request.host_url.rstrip('/')}/hubfs/{portal.id}{file['path']}"


def public(portal: Portal, file: dict) -> dict:
    """Return a file as the File schema shows it (without its bytes)."""
    body = {k: v for k, v in file.items() if k != "content"}
    body["url"] = body["defaultHostingUrl"] = _url(portal, file)
    return body


@bp.post(f"/files/<{V}>/files")
@api(WRITE)
def upload(version: str):
    """Upload one file; answer 201 with the File and its Location."""
    upload = request.files.get("file")
    if upload is None:
        raise invalid("file is required")
    options = _options()
    folder = _folder(g.portal)
    content = upload.read()
    md5 = hashlib.md5(content).hexdigest()
    strategy = options.get("duplicateValidationStrategy", "NONE")
    if strategy != "NONE":
        whole = options.get("duplicateValidationScope", "ENTIRE_PORTAL") == "ENTIRE_PORTAL"
        twin = next(
            (
                f
                for f in _live(g.portal)
                if f["fileMd5"] == md5 and (whole or f["parentFolderId"] == folder["id"])
            ),
            None,
        )
        if twin and strategy == "REJECT":
            raise ApiFailure(
                409, f"A duplicate file already exists. Existing ID: {twin['id']}", "CONFLICT"
            )
        if twin:
            return jsonify(public(g.portal, twin)), 201  # the spec knows no other success
    stem, extension = _split(request.form.get("fileName") or upload.filename or "file")
    same_folder = [f for f in _live(g.portal) if f["parentFolderId"] == folder["id"]]
    taken = {(f["name"], f["extension"]): f for f in same_folder}
    now = sandbox().clock.now()
    existing = taken.get((stem, extension))
    if existing and options.get("overwrite"):
        file = existing
    else:
        number, name = 0, stem
        while (name, extension) in taken:
            number += 1
            name = f"{stem}-{number}"
        stem = name
        file = {"id": sandbox().state.next_schema_id(), "createdAt": iso(now), "archived": False}
    file.update(
        name=stem,
        extension=extension,
        path=f"{folder['path']}/{stem}" + (f".{extension}" if extension else ""),
        parentFolderId=folder["id"],
        access=options["access"],
        size=len(content),
        type=_kind(extension),
        fileMd5=md5,
        isUsableInContent=True,
        sourceGroup="CONTENT",
        updatedAt=iso(now),
        content=content,
    )
    if request.form.get("charsetHunch"):
        file["encoding"] = request.form["charsetHunch"]
    if options.get("ttl"):
        file["expiresAt"] = int((now + _ttl_seconds(options["ttl"])) * 1000)
    g.portal.files[file["id"]] = file
    return jsonify(public(g.portal, file)), 201, {"Location": f"{request.base_url}/{file['id']}"}


@bp.get(f"/files/<{V}>/files/<file_id>")
@api(READ)
def read_file(version: str, file_id: str):
    return jsonify(public(g.portal, _file(g.portal, file_id)))


@bp.delete(f"/files/<{V}>/files/<file_id>")
@api(DELETE)
def delete_file(version: str, file_id: str):
    file = _file(g.portal, file_id)
    now = iso(sandbox().clock.now())
    file.update(archived=True, archivedAt=now, updatedAt=now)
    return "", 204


@bp.get(f"/files/<{V}>/files/<file_id>/signed-url")
@api(READ)
def signed_url(version: str, file_id: str):
    """Return a URL anyone may read the file through until it expires."""
    file = _file(g.portal, file_id)
    seconds = request.args.get("expirationSeconds", SIGNED_DEFAULT)
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        raise invalid("expirationSeconds must be a whole number") from None
    if seconds < 1:
        raise invalid("expirationSeconds must be at least 1")
    sb = sandbox()
    token = secrets.token_urlsafe(24)
    expires = sb.clock.now() + seconds
    sb.state.signed_urls[token] = {"portal": g.portal.id, "file": file["id"], "expires": expires}
    return jsonify(
        {
            "url": f"{request.host_url.rstrip('/')}/hubfs/signed/{token}/{file['name']}"
            + (f".{file['extension']}" if file["extension"] else ""),
            "expiresAt": iso(expires),
            "name": file["name"],
            "extension": file["extension"],
            "type": file["type"],
            "size": file["size"],
        }
    )


def _send(file: dict) -> Response:
    kind = {"pdf": "application/pdf", "png": "image/png", "txt": "text/plain"}.get(
        file["extension"], "application/octet-stream"
    )
    return Response(file["content"], mimetype=kind)


@bp.get("/hubfs/signed/<token>/<path:name>")
def read_signed(token: str, name: str):
    """Serve a file through a signed URL until the URL expires (on the sandbox clock)."""
    sb = sandbox()
    with sb.state.lock:
        grant = sb.state.signed_urls.get(token)
        portal = sb.state.portals.get(grant["portal"]) if grant else None
        file = portal.files.get(grant["file"]) if portal else None
        if grant is None or file is None or file["archived"] or grant["expires"] <= sb.clock.now():
            return Response("This link has expired or does not exist.", 403, mimetype="text/plain")
        return _send(file)


@bp.get("/hubfs/<int:portal_id>/<path:path>")
def read_hosted(portal_id: int, path: str):
    """Serve a public file at its URL; a private one needs a signed URL."""
    sb = sandbox()
    with sb.state.lock:
        portal = sb.state.portals.get(portal_id)
        file = next(
            (f for f in (portal.files.values() if portal else []) if f["path"] == f"/{path}"),
            None,
        )
        expired = file and file.get("expiresAt", float("inf")) <= sb.clock.now() * 1000
        if file is None or file["archived"] or expired:
            return Response("Not found", 404, mimetype="text/plain")
        if file["access"] not in PUBLIC:
            return Response(
                "This file is private: ask for a signed URL.", 403, mimetype="text/plain"
            )
        return _send(file)
