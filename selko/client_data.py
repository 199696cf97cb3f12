"""A client's data as a whole: export it (right of access) and erase it."""
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from selko import clock
from selko.models import (
    Attendance,
    Break,
    ClientProfile,
    DeviceSession,
    HelpRequest,
    Passkey,
    ScheduleException,
    SelfAssessment,
    SignInToken,
    StepTick,
    Task,
    TaskAssignment,
    TaskStep,
    User,
    WorkDay,
)


def _rows(db: Session, model, client_id: int, order):
    return db.scalars(select(model).where(model.client_id == client_id).order_by(order)).all()


def export(db: Session, client: User) -> dict:
    """Everything Selko holds about one client, in plain JSON types."""
    profile = client.client_profile
    steps = {s.id: s for s in db.scalars(select(TaskStep).join(StepTick, StepTick.step_id == TaskStep.id).where(StepTick.client_id == client.id))}
    return {
        "client": {
            "id": client.id,
            "name": client.name,
            "phone": client.phone,
            "language": client.language,
            "created_at": client.created_at.isoformat(),
            "workplace": profile.workplace if profile else "",
            "coach": profile.coach.name if profile else None,
        },
        "weekly_schedule": [
            {"weekday": d.weekday, "starts": d.starts.isoformat("minutes"), "ends": d.ends.isoformat("minutes")}
            for d in _rows(db, WorkDay, client.id, WorkDay.weekday)
        ],
        "breaks": [
            {"weekday": b.weekday, "starts": b.starts.isoformat("minutes"), "ends": b.ends.isoformat("minutes"), "name": b.name}
            for b in _rows(db, Break, client.id, Break.weekday)
        ],
        "dates_that_differ": [
            {"date": e.date.isoformat(), "day_off": e.day_off, "starts": e.starts and e.starts.isoformat("minutes"),
             "ends": e.ends and e.ends.isoformat("minutes"), "note": e.note}
            for e in _rows(db, ScheduleException, client.id, ScheduleException.date)
        ],
        "tasks": [
            {"weekday": a.weekday, "position": a.position, "title": db.get(Task, a.task_id).title}
            for a in _rows(db, TaskAssignment, client.id, TaskAssignment.weekday)
        ],
        "steps_done": [
            {"date": t.date.isoformat(), "step": steps[t.step_id].text, "at": t.ticked_at.isoformat()}
            for t in _rows(db, StepTick, client.id, StepTick.date)
        ],
        "attendance": [
            {"date": a.date.isoformat(), "arrived_at": a.arrived_at and a.arrived_at.isoformat(),
             "left_at": a.left_at and a.left_at.isoformat(),
             "absence_reason": a.absence_reason and a.absence_reason.value, "absence_note": a.absence_note}
            for a in _rows(db, Attendance, client.id, Attendance.date)
        ],
        "how_today_went": [
            {"date": s.date.isoformat(), "energy": s.energy, "mind": s.mind, "skills": s.skills,
             "everyday": s.everyday, "work": s.work, "wants_to_talk": s.wants_to_talk}
            for s in _rows(db, SelfAssessment, client.id, SelfAssessment.date)
        ],
        "help_requests": [
            {"at": h.created_at.isoformat(), "handled_at": h.handled_at and h.handled_at.isoformat()}
            for h in _rows(db, HelpRequest, client.id, HelpRequest.created_at)
        ],
        "devices": [
            {"created_at": d.created_at.isoformat(), "last_used_at": d.last_used_at.isoformat(), "user_agent": d.user_agent}
            for d in db.scalars(select(DeviceSession).where(DeviceSession.user_id == client.id))
        ],
        "passkeys": [
            {"name": p.name, "created_at": p.created_at.isoformat()}
            for p in db.scalars(select(Passkey).where(Passkey.user_id == client.id))
        ],
    }


def erase(db: Session, client: User) -> None:
    """Remove the client's personal data. The user row stays, nameless, so the
    audit trail can still say that an erasure happened and who did it."""
    for model in (StepTick, Attendance, SelfAssessment, HelpRequest, TaskAssignment, WorkDay, Break, ScheduleException):
        db.execute(delete(model).where(model.client_id == client.id))
    for model in (DeviceSession, Passkey, SignInToken):
        db.execute(delete(model).where(model.user_id == client.id))
    db.execute(delete(ClientProfile).where(ClientProfile.user_id == client.id))
    client.name = ""
    client.phone = ""
    client.webauthn_id = None
    client.erased_at = clock.now()
