"""Between interviews: `/v1/progress` (history, trends, weakest criteria; JSON or CSV) and `/v1/plan`."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import CurrentUser, ServicesDep
from api.flow import parse_session_round_or_422
from api.schemas import CriterionTrendOut, ErrorOut, PlanOut, ProgressOut, ProgressPointOut, plan_out

router = APIRouter(prefix="/v1", tags=["progress and study plan"])
_ROUND_ERROR: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "Unknown round (the valid ones are listed)"}
}
CSV_COLUMNS = ["session_id", "round", "at", "overall", "criterion_id", "criterion", "level"]


@router.get(
    "/progress",
    response_model=ProgressOut,
    responses={
        **_ROUND_ERROR,
        200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"},
    },
)
def progress(
    services: ServicesDep,
    user: CurrentUser,
    round: str | None = None,
    format: Literal["json", "csv"] = "json",
) -> Any:
    """The caller's per-criterion levels of ended sessions (oldest first), each criterion's trend, and
    the weakest criteria across rounds. `round` narrows the points; `format=csv` is one row per level."""
    wanted = None if round is None else str(parse_session_round_or_422(round))
    points = services.sessions.progress(user.id, round=wanted)
    if format == "csv":
        return Response(_csv(points), media_type="text/csv", headers=_attachment("progress.csv"))
    summary = services.components.practice().progress(user.id)
    return ProgressOut(
        points=[ProgressPointOut(**vars(p)) for p in points],
        latest_round=summary.latest_round,
        trends=[CriterionTrendOut(**asdict(t)) for t in summary.trends],
        weakest=[CriterionTrendOut(**asdict(t)) for t in summary.weakest],
    )


@router.get("/plan", response_model=PlanOut)
def plan(
    services: ServicesDep,
    user: CurrentUser,
    include_recent: bool = False,
    limit: int = Query(10, ge=1, le=50),
) -> PlanOut:
    """What to practise next, by spaced review of the caller's history (due first). A question seen in
    the last `recent_days` days is left out unless `include_recent`."""
    return plan_out(services.components.practice().plan(user.id, include_recent=include_recent, limit=limit))


def _csv(points: list[Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for p in points:
        for criterion_id, level in p.criteria.items():
            name = p.names.get(criterion_id, criterion_id)
            writer.writerow([p.session_id, p.round, p.at.isoformat(), p.overall, criterion_id, name, level])
    return out.getvalue()


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}
