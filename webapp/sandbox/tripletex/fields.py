"""The `fields` filter: parse `*,customer(name),orderLines(*)` and shape objects by it."""

from __future__ import annotations

from .errors import bad_request
from .schemas import PATHS, TEMPLATES, WRITE_ONLY, ref_list_type, ref_type

ALL = {"*": None}


def parse(expression: str | None) -> dict:
    """Parse a fields expression into {name: sub-spec or None}; empty means `*`."""
    if not expression or not expression.strip():
        return dict(ALL)
    spec, _ = _parse(expression.replace(" ", ""), 0)
    return spec


def _parse(text: str, pos: int) -> tuple[dict, int]:
    spec: dict = {}
    name = ""
    while pos < len(text):
        char = text[pos]
        if char == "(":
            sub, pos = _parse(text, pos + 1)
            spec[name] = sub
            name = ""
        elif char == ")":
            if name:
                spec[name] = None
            return spec, pos + 1
        elif char == ",":
            if name:
                spec[name] = None
            name = ""
            pos += 1
            continue
        else:
            name += char
            pos += 1
            continue
        # after "(...)" skip an immediate comma
        if pos < len(text) and text[pos] == ",":
            pos += 1
    if name:
        spec[name] = None
    return spec, pos


def illegal(kind: str, name: str):
    """The 400 Tripletex gives for a name the model does not have."""
    model = kind[0].upper() + kind[1:]
    return bad_request(
        f"Illegal field in fields filter: {name}. {name} does not match a field "
        f"in the model: {model}",
        code=11000,
    )


def check(kind: str, spec: dict) -> None:
    """Refuse unknown names before any row is shaped, so an empty result still says 400."""
    known = TEMPLATES.get(kind)
    if known is None:
        return  # a type the sandbox does not model: accept what the client asks for
    for name, sub in spec.items():
        if name in ("*", "changes"):
            continue
        if name not in known:
            raise illegal(kind, name)
        target = ref_type(kind, name) or ref_list_type(kind, name)
        if sub and target:
            check(target, sub)


class Shaper:
    """Turn stored objects into API JSON for one request (host and company fixed)."""

    def __init__(self, state, company_id: int | None, host: str):
        self.state = state
        self.company_id = company_id
        self.host = host

    def url(self, kind: str, object_id) -> str:
        # Scheme-less, with the host the client called, like "tripletex.no/v2/customer/1".
        return f"{self.host}/v2/{PATHS.get(kind, kind)}/{object_id}"

    def stub(self, kind: str, ref) -> dict | None:
        if not ref:
            return None
        return {"id": ref["id"], "url": self.url(kind, ref["id"])}

    def shape(self, kind: str, obj: dict, spec: dict | None = None) -> dict:
        """Return `obj` with the fields `spec` asks for; unknown names give 400."""
        spec = spec or ALL
        known = TEMPLATES.get(kind, obj)
        hidden = WRITE_ONLY.get(kind, set())
        names: list[str] = []
        if "*" in spec:
            names = [n for n in known if n not in hidden]
        for name in spec:
            if name == "*":
                continue
            if name not in known and name != "changes":
                raise illegal(kind, name)
            if name not in names and name not in hidden:
                names.append(name)
        out = {}
        for name in names:
            sub = spec.get(name)
            if name == "url":
                out[name] = self.url(kind, obj["id"])
            elif name == "changes":
                out[name] = list(obj.get("_changes", []))
            else:
                out[name] = self._field(kind, name, obj.get(name, known.get(name)), sub)
        return out

    def _field(self, kind: str, name: str, value, sub: dict | None):
        target = ref_type(kind, name)
        if target:
            return self._ref(target, value, sub)
        target = ref_list_type(kind, name)
        if target:
            return [self._ref(target, item, sub) for item in value or []]
        return value

    def _ref(self, target: str, ref, sub: dict | None):
        if not ref:
            return None
        if sub is None:
            return self.stub(target, ref)
        found = self.lookup(target, ref["id"])
        if found is None:
            return self.stub(target, ref)
        return self.shape(target, found, sub)

    def lookup(self, kind: str, object_id):
        if self.company_id is not None:
            found = self.state.get(self.company_id, kind, object_id)
            if found is not None:
                return found
        return self.state.find_anywhere(kind, int(object_id))[1]
