"""The coach's today board: every client's day at a glance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from selko.day import attendance as attendance_rules
from selko.day import client_action, help_request, schedule
from selko.models import ActionKind, ActionOutcome, Attendance, ClientAction, HelpRequest, PushSubscription, SelfAssessment, User
from selko.records import contacts


@dataclass
class BoardRow:
    client: User
    plan: schedule.DayPlan
    attendance: Attendance | None
    assessment: SelfAssessment | None
    help_requests: list[HelpRequest]
    cancelled_help: list[HelpRequest] = field(default_factory=list)
    can_ring: bool = True
    # The check-in presses behind the day's times that reached Selko well after
    # they were pressed (an offline phone), by kind: arrive, leave, absent.
    sent_late: dict[ActionKind, ClientAction] = field(default_factory=dict)
    # Answers saying "I want to talk" the coach has not handled yet, of any day.
    talks: list[SelfAssessment] = field(default_factory=list)
    contact: contacts.LastContact | None = None

    @property
    def left_early(self) -> bool:
        return attendance_rules.left_early(self.attendance, self.plan, self.client.organisation.time_zone)

    @property
    def outside_hours(self) -> bool:
        """Checked in at a time that is no ordinary work day: marked for the coach."""
        return attendance_rules.to_check(self.attendance, self.plan, self.client.organisation.time_zone)

    @property
    def status(self) -> str:
        """The day's check-in state (arrived, left, absent), else day_off or not_yet."""
        checked_in = attendance_rules.state(self.attendance)
        if checked_in is not attendance_rules.CheckIn.none:
            return checked_in.value
        if not self.plan.works:
            return "day_off"
        return "not_yet"


def rows(db: Session, clients: list[User], day: date, now: datetime) -> list[BoardRow]:
    """The board in eleven queries, however many clients (it refreshes every 30 s)."""
    ids = [c.id for c in clients]
    plans = schedule.day_plans(db, ids, day)
    attended = {a.client_id: a for a in db.scalars(select(Attendance).where(Attendance.client_id.in_(ids), Attendance.date == day))}
    answers = {s.client_id: s for s in db.scalars(select(SelfAssessment).where(SelfAssessment.client_id.in_(ids), SelfAssessment.date == day))}
    requests = help_request.open_requests(db, ids)
    # now is the organisation's wall clock, so its zone is the organisation's.
    cancelled = help_request.cancelled_on(db, ids, day, str(now.tzinfo))
    ringing = set(db.scalars(select(PushSubscription.user_id).where(PushSubscription.user_id.in_(ids))))
    presses = db.scalars(
        select(ClientAction).where(
            ClientAction.client_id.in_(ids),
            ClientAction.day == day,
            ClientAction.kind.in_(client_action.ATTENDANCE_KINDS),
            ClientAction.outcome == ActionOutcome.done,
        )
    ).all()
    talks = contacts.open_talks(db, ids)
    last_contacts = contacts.last_contacts(db, ids, day)
    result = [
        BoardRow(
            client=client,
            plan=plans[client.id],
            attendance=attended.get(client.id),
            assessment=answers.get(client.id),
            help_requests=[r for r in requests if r.client_id == client.id],
            cancelled_help=[r for r in cancelled if r.client_id == client.id],
            can_ring=client.id in ringing,
            sent_late=_sent_late(attended.get(client.id), [p for p in presses if p.client_id == client.id]),
            talks=[a for a in talks if a.client_id == client.id],
            contact=last_contacts[client.id],
        )
        for client in clients
    ]
    # Help requests first, then late clients, then the rest by name.
    result.sort(key=lambda r: (not r.help_requests, not is_late(r, now), r.client.name))
    return result


def _sent_late(record: Attendance | None, presses: list[ClientAction]) -> dict[ActionKind, ClientAction]:
    """The presses that set the times the day shows, if the phone sent them
    well after they were pressed. A time the coach corrected matches no press."""
    if record is None:
        return {}
    shown = {
        ActionKind.arrive: record.arrived_at,
        ActionKind.leave: record.left_at,
        ActionKind.absent: record.absence_reported_at,
    }
    return {p.kind: p for p in presses if shown[p.kind] == p.pressed_at and client_action.sent_late(p)}


def is_late(row: BoardRow, now: datetime) -> bool:
    """Not yet at work although the work day has started."""
    return row.status == "not_yet" and row.plan.starts is not None and now.time() >= row.plan.starts
