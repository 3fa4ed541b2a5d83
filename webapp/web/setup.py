"""The setup stepper: HubSpot connected, connect Tripletex, connection check, plan, first sync,
done.

Every step is a real URL that works without JavaScript; htmx swaps just the stepper when
it can. A step opens only when the ones before it are done, and what is done is read from
storage, never from the session, so back, refresh and a second tab all agree.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, request

from ..clients.errors import ApiError
from ..portal.plans import invoices_this_month
from ..portal.problems import Problem, explain
from ..portal.tripletex_connect import NotEntitled, UnknownCompany, connect
from ..portal.tripletex_link import TripletexLink
from ..sync import held
from . import first_sync
from .auth import current_installation, portal_required
from .collaborators import collaborators
from .forms import CompanyForm, ConfirmForm, PlanForm, TokenForm
from .fragments import go_to, render_page, reshown_by
from .live_state import live_state

bp = Blueprint("setup", __name__, url_prefix="/setup")

STEPS = ("hubspot", "tripletex", "check", "plan", "first_sync", "done")

# Each of these actions calls Tripletex a dozen times: enough for typos and retries, too few
# for anyone to use us to hammer Tripletex (attempts allowed, window in seconds).
PER_PORTAL = (5, 60.0)
PER_ADDRESS = (20, 600.0)


def _link() -> TripletexLink:
    return TripletexLink(collaborators())


def _steps() -> tuple[str, ...]:
    if current_app.config["SHOW_PLAN_STEP"]:
        return STEPS
    return tuple(s for s in STEPS if s != "plan")


def _state(installation: dict) -> dict:
    """Which steps are done, and what each step knows."""
    portal_id = installation["portal_id"]
    link = _link()
    connection, check = link.connection(portal_id), link.last_check(portal_id)
    plan = installation.get("plan")
    if not current_app.config["SHOW_PLAN_STEP"] and not plan:
        plan = current_app.config["PLANS"][0]["id"]
    done = {
        "hubspot": True,
        "tripletex": bool(connection),
        "check": bool(connection and check and check["ok"]),
        "plan": bool(plan),
        "first_sync": first_sync.finished(collaborators(), portal_id),
    }
    done["done"] = all(done[s] for s in _steps() if s != "done")
    return {"done": done, "connection": connection, "check": check, "plan": plan}


def _first_open(done: dict) -> str:
    return next((s for s in _steps() if not done[s]), "done")


def _is_open(step: str, done: dict) -> bool:
    steps = _steps()
    # The Done page (the sync's state, the plan, uninstalling) opens with the plan chosen:
    # nobody has to sync to leave, and the first sync may still be running.
    return all(
        done[s] for s in steps[: steps.index(step)] if not (step == "done" and s == "first_sync")
    )


def _render(step: str, status: int = 200, **extra):
    g.pop("installation", None)  # a POST may just have changed it
    installation = current_installation()
    portal_id = installation["portal_id"]
    state = _state(installation)
    extra.setdefault("token_form", TokenForm())
    extra.setdefault("company_form", CompanyForm())
    extra.setdefault("plan_form", PlanForm(plans=current_app.config["PLANS"]))
    context = dict(
        step=step,
        steps=_steps(),
        state=state,
        open_steps=[s for s in _steps() if _is_open(s, state["done"])],
        installation=installation,
        plans=current_app.config["PLANS"],
        app_name=current_app.config["TRIPLETEX_APPLICATION_NAME"],
        invoices_used=invoices_this_month(collaborators(), portal_id),
        choices=_link().pending_choices(portal_id),
        **extra,
    )
    if step == "first_sync":
        context.setdefault("first_sync", first_sync.view(collaborators(), portal_id, request.args))
        context.setdefault("start_form", first_sync.StartForm())
    if step == "done":
        context.setdefault("live", live_state(collaborators(), portal_id))
        context.setdefault("held", held.held_deals(collaborators(), portal_id))
    return render_page("setup/page.html", "setup/_stepper.html", status=status, **context)


def _next(step: str):
    return go_to("setup.step", lambda: _render(step), name=step)


@bp.get("/")
@portal_required
def start():
    return _next(_first_open(_state(current_installation())["done"]))


@bp.get("/<name>")
@portal_required
def step(name: str):
    if name not in _steps():
        abort(404)
    done = _state(current_installation())["done"]
    if not _is_open(name, done):
        return _next(_first_open(done))
    return _render(name)


@bp.post("/tripletex")
@reshown_by("setup.step", name="tripletex")
@portal_required
def connect_tripletex():
    """Try the pasted token against Tripletex; store it (encrypted) only when it works."""
    portal_id = current_installation()["portal_id"]
    form = TokenForm(request.form)
    if not form.validate():
        return _render("tripletex", status=422, token_form=form)
    return _too_many_attempts("tripletex") or _try_connect(
        portal_id, form.read.token, None, token_form=form
    )


@bp.post("/tripletex/company")
@reshown_by("setup.step", name="tripletex")
@portal_required
def choose_company():
    """An accountant's token: connect the client company the user picked."""
    portal_id = current_installation()["portal_id"]
    token = _link().pending_token(portal_id)
    if token is None:
        return _render("tripletex", status=422, problem=Problem("choice_expired"))
    form = CompanyForm(request.form)
    if not form.validate():
        return _render("tripletex", status=422, company_form=form)
    return _too_many_attempts("tripletex") or _try_connect(
        portal_id, token, form.chosen, company_form=form
    )


def _too_many_attempts(step: str):
    """The step again with "wait N seconds" when this portal or address tried too often."""
    portal_id = current_installation()["portal_id"]
    wait = collaborators().attempts.take(
        {
            f"tripletex:portal:{portal_id}": PER_PORTAL,
            f"tripletex:address:{request.remote_addr}": PER_ADDRESS,
        }
    )
    if not wait:
        return None
    current_app.logger.warning(
        "portal %s: too many Tripletex attempts from %s", portal_id, request.remote_addr
    )
    response = _render(step, status=429, problem=Problem("too_many_attempts", {"seconds": wait}))
    response.headers["Retry-After"] = str(wait)
    return response


def _try_connect(
    portal_id: int,
    token: str,
    company_id: int | None,
    *,
    token_form: TokenForm | None = None,
    company_form: CompanyForm | None = None,
):
    c = collaborators()
    try:
        result = connect(c.tripletex_for_token, token, company_id, today=c.clock.today())
    except UnknownCompany:
        company_form = company_form or CompanyForm()
        company_form.not_listed()
        return _render("tripletex", status=422, company_form=company_form)
    except NotEntitled as exc:
        return _render(
            "tripletex", status=422, problem=Problem("missing_entitlements", {"which": exc.which})
        )
    except ApiError as exc:
        current_app.logger.info("Tripletex refused to connect portal %s: %s", portal_id, exc)
        problem = explain(exc)
        return _render(
            "tripletex", status=_status_for(exc, problem), problem=problem, token_form=token_form
        )
    if result.companies:
        _link().remember_choice(portal_id, token, result.companies)
        return _render("tripletex")
    _link().store(portal_id, token, result)
    return _next("check")


@bp.get("/tripletex/disconnect")
@portal_required
def confirm_disconnect():
    """Ask before disconnecting: a real page, so it works without JavaScript."""
    if not _state(current_installation())["done"]["tripletex"]:
        return _next("tripletex")
    return _render("tripletex", confirming="disconnect")


@bp.post("/tripletex/disconnect")
@reshown_by("setup.confirm_disconnect")
@portal_required
def disconnect_tripletex():
    if not ConfirmForm(request.form).validate():
        return go_to(
            "setup.confirm_disconnect", lambda: _render("tripletex", confirming="disconnect")
        )
    portal_id = current_installation()["portal_id"]
    _link().disconnect(portal_id)
    return _next("tripletex")


@bp.post("/check")
@reshown_by("setup.step", name="check")
@portal_required
def run_check():
    portal_id = current_installation()["portal_id"]
    if not _state(current_installation())["done"]["tripletex"]:
        return _next("tripletex")
    refused = _too_many_attempts("check")
    if refused:
        return refused
    _link().check(portal_id)
    return _next("check")


@bp.post("/plan")
@reshown_by("setup.step", name="plan")
@portal_required
def choose_plan():
    installation = current_installation()
    if not _is_open("plan", _state(installation)["done"]):
        return _next(_first_open(_state(installation)["done"]))
    form = PlanForm(request.form, plans=current_app.config["PLANS"])
    if not form.validate():
        return _render("plan", status=422, plan_form=form)
    portal_id = installation["portal_id"]
    collaborators().installations.set_plan(portal_id, form.plan.data)
    if held.release_plan_holds(collaborators(), portal_id):
        # Deals the old plan's limit held are tried again under the new one.
        current_app.extensions["tasks"].sync_pending(portal_id)
    # On to the first sync, unless it has run already (the plan was only changed).
    return _next(
        "done" if first_sync.finished(collaborators(), installation["portal_id"]) else "first_sync"
    )


@bp.post("/first-sync/preview")
@reshown_by("setup.step", name="first_sync")
@portal_required
def prepare_first_sync():
    """Ask the worker for the preview (it reads a whole portal: no one waits on that here)."""
    installation = current_installation()
    if not _is_open("first_sync", _state(installation)["done"]):
        return _next(_first_open(_state(installation)["done"]))
    c = collaborators()
    phase = first_sync.phase_of(c, installation["portal_id"])[0]
    if phase in ("start", "review"):
        first_sync.queue_preview(c, installation["portal_id"], current_app.extensions["tasks"])
    return _next("first_sync")


@bp.post("/first-sync/decide")
@reshown_by("setup.step", name="first_sync")
@portal_required
def decide_first_sync():
    """The person's answer for an ambiguous company: one of its candidates, or skip."""
    portal_id = current_installation()["portal_id"]
    c = collaborators()
    form = first_sync.DecisionForm(request.form)
    row = c.previews.get(portal_id, "companies", form.hubspot_id.data or "")
    decision = form.decision(row) if form.validate() else None
    if decision is None:
        return _render("first_sync", status=422, problem=Problem("choice_not_offered"))
    c.previews.decide(portal_id, "companies", row["hubspot_id"], decision)
    return _next("first_sync")


@bp.post("/first-sync/confirm")
@reshown_by("setup.step", name="first_sync")
@portal_required
def confirm_first_sync():
    """Start the first sync in the worker; live sync runs from now on."""
    installation = current_installation()
    c = collaborators()
    if first_sync.phase_of(c, installation["portal_id"])[0] != "review":
        return _next("first_sync")
    form = first_sync.StartForm(request.form)
    if not form.validate():
        if form.confirm.errors:
            return _next("first_sync")
        return _render("first_sync", status=422, start_form=form)
    first_sync.queue_backfill(
        c, installation["portal_id"], current_app.extensions["tasks"], form.chosen()
    )
    return _next("first_sync")


def _status_for(exc: ApiError, problem: Problem) -> int:
    # The user's input was refused (422), or Tripletex could not answer now (429/502/504);
    # a refused consumer token is the operator's configuration, not the user's input (503).
    if problem.kind == "consumer_token_refused":
        return 503
    if problem.kind == "too_slow":
        return 504
    if exc.status == 429:
        return 429
    if exc.status is None or exc.status >= 500:
        return 502
    return 422
