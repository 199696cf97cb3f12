"""The coach's today board: every client's day at a glance."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from selko import help_request, schedule
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
    """The board in six queries, however many clients (it refreshes every 30 s)."""
    ids = [c.id for c in clients]
    plans = schedule.day_plans(db, ids, day)
    attended = {a.client_id: a for a in db.scalars(select(Attendance).where(Attendance.client_id.in_(ids), Attendance.date == day))}
    answers = {
        s.client_id: s
        for s in db.scalars(select(SelfAssessment).where(SelfAssessment.client_id.in_(ids), SelfAssessment.date == day))
    }
    requests = help_request.open_requests(db, ids)
    ringing = set(db.scalars(select(PushSubscription.user_id).where(PushSubscription.user_id.in_(ids))))
    result = [
        BoardRow(
            client=client,
            plan=plans[client.id],
            attendance=attended.get(client.id),
            assessment=answers.get(client.id),
            help_requests=[r for r in requests if r.client_id == client.id],
            can_ring=client.id in ringing,
        )
        for client in clients
    ]
    # Help requests first, then late clients, then the rest by name.
    result.sort(key=lambda r: (not r.help_requests, not is_late(r, now), r.client.name))
    return result


def is_late(row: BoardRow, now: datetime) -> bool:
    """Not yet at work although the work day has started."""
    return row.status == "not_yet" and row.plan.starts is not None and now.time() >= row.plan.starts
