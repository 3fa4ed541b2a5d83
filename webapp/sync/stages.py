"""Which deal stage makes an order or an invoice, per pipeline. Pure.

A portal's pipelines are its own: stage ids may be numbers, stages may be renamed, and the won
stage is known by its metadata (closed, probability 1), never by an id such as `closedwon`.
A rule the person set names its stage by id; a pipeline without one invoices at its won stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

ORDER = "order"  # create the order only
INVOICE = "invoice"  # create the order and invoice it
NOTHING = "nothing"  # this pipeline's deals stay out of Tripletex
ACTIONS = (INVOICE, ORDER, NOTHING)


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    won: bool


@dataclass(frozen=True)
class Pipeline:
    id: str
    label: str
    stages: tuple[Stage, ...]

    @property
    def won_stage(self) -> Stage | None:
        return next((s for s in self.stages if s.won), None)

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)


@dataclass(frozen=True)
class Rule:
    """What a deal in `pipeline` does on reaching `stage`."""

    pipeline: str
    stage: str | None  # None: the pipeline has no won stage and no rule names one
    action: str


def pipelines_of(results: list[dict]) -> dict[str, Pipeline]:
    """The Pipelines API's answer (`results`) as pipelines by id; archived stages are left out."""
    found = {}
    for item in results:
        if not isinstance(item, dict) or item.get("archived") or not item.get("id"):
            continue
        listed = [
            s
            for s in item.get("stages") or []
            if isinstance(s, dict) and s.get("id") and not s.get("archived")
        ]
        stages = tuple(
            Stage(str(s["id"]), str(s.get("label") or s["id"]), _won(s.get("metadata") or {}))
            for s in sorted(listed, key=lambda s: _order(s.get("displayOrder")))
        )
        found[str(item["id"])] = Pipeline(str(item["id"]), str(item.get("label") or ""), stages)
    return found


def _order(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _won(metadata: dict) -> bool:
    """Closed, with probability 1: HubSpot sends both as strings ("true", "1.0")."""
    if str(metadata.get("isClosed", "")).lower() != "true":
        return False
    try:
        return Decimal(str(metadata.get("probability", ""))) == 1
    except InvalidOperation:
        return False


def rule_for(pipeline: Pipeline, chosen: dict) -> Rule:
    """The pipeline's rule: the person's (`chosen`: {"stage", "action"}) if its stage still
    exists, else the default, which invoices at the won stage."""
    stage = chosen.get("stage") if isinstance(chosen, dict) else None
    action = chosen.get("action") if isinstance(chosen, dict) else None
    if action == NOTHING:
        return Rule(pipeline.id, None, NOTHING)
    if action in (ORDER, INVOICE) and stage and pipeline.stage(stage) is not None:
        return Rule(pipeline.id, stage, action)
    won = pipeline.won_stage
    return Rule(pipeline.id, won.id if won else None, INVOICE if won else NOTHING)


def fires(rule: Rule, stage_id: str | None) -> bool:
    return rule.action != NOTHING and rule.stage is not None and stage_id == rule.stage
