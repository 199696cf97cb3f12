"""The coach's today board: every client's day at a glance."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from selko import attendance, help_request, schedule, self_assessment
from selko.models import Attendance, HelpRequest, PushSubscription, SelfAssessment, User


@dataclass
class BoardRow:
    client: User
    plan: schedule.DayPlan
    attendance: Attendance | None
    assessment: SelfAssessment | None
    help_requests: list[HelpRequest]
    can_ring: bool = True

    @property
    def status(self) -> str:
        """arrived, left, absent, late, not_yet or day_off."""
        a = self.attendance
        if a is not None and a.absence_reason is not None:
            return "absent"
        if a is not None and a.left_at is not None:
            return "left"
        if a is not None and a.arrived_at is not None:
            return "arrived"
        if not self.plan.works:
            return "day_off"
        return "not_yet"


def rows(db: Session, clients: list[User], day: date, now: datetime) -> list[BoardRow]:
    requests = help_request.open_requests(db, [c.id for c in clients])
    ringing = set(db.scalars(select(PushSubscription.user_id).where(PushSubscription.user_id.in_([c.id for c in clients]))))
    result = []
    for client in clients:
        result.append(
            BoardRow(
                client=client,
                plan=schedule.day_plan(db, client.id, day),
                attendance=attendance.for_day(db, client.id, day),
                assessment=self_assessment.for_day(db, client.id, day),
                help_requests=[r for r in requests if r.client_id == client.id],
                can_ring=client.id in ringing,
            )
        )
    # Help requests first, then late clients, then the rest by name.
    result.sort(key=lambda r: (not r.help_requests, not is_late(r, now), r.client.name))
    return result


def is_late(row: BoardRow, now: datetime) -> bool:
    """Not yet at work although the work day has started."""
    return row.status == "not_yet" and row.plan.starts is not None and now.time() >= row.plan.starts
