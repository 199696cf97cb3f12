"""What the client's Today shows of one day besides the plan and the tasks,
read in one query: the check-in, "how did today go", the coach's note, the
newest help request, whether the coach changed the day, and whether this
phone rings by push. Clients open Today all day long, so each of these is a
join here rather than a query of its own."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from selko import clock
from selko.day import client_action, help_request
from selko.models import Attendance, HelpRequest, PushSubscription, SelfAssessment, User, WorkNote


@dataclass(frozen=True)
class DayRecords:
    attendance: Attendance | None
    assessment: SelfAssessment | None
    diary_note: WorkNote | None  # only a note the coach shows the client
    help_now: HelpRequest | None  # as help_request.shown_to_client() has it
    coach_changed_day: bool
    subscription: PushSubscription | None  # this phone's: it rings by push


def _query():
    client, day = bindparam("client_id"), bindparam("day")
    newest_help = help_request.newest_since(client, bindparam("since")).with_only_columns(HelpRequest.id).scalar_subquery()
    return (
        select(Attendance, SelfAssessment, WorkNote, HelpRequest, client_action.superseded_on(client, day), PushSubscription)
        .select_from(User)
        .outerjoin(Attendance, and_(Attendance.client_id == User.id, Attendance.date == day))
        .outerjoin(SelfAssessment, and_(SelfAssessment.client_id == User.id, SelfAssessment.date == day))
        .outerjoin(WorkNote, and_(WorkNote.client_id == User.id, WorkNote.date == day, WorkNote.shown_to_client.is_(True)))
        .outerjoin(HelpRequest, HelpRequest.id == newest_help)
        # One subscription a phone (client.alarms_subscribe replaces it); the first if ever more.
        .outerjoin(PushSubscription, PushSubscription.device_session_id == bindparam("device_id"))
        .where(User.id == client)
    )


# Built once: building it took longer than running it.
_RECORDS = _query()


def records(db: Session, client: User, day: date, device_id: int) -> DayRecords:
    since = clock.start_of_day(day, client.organisation.time_zone)
    attendance, assessment, note, newest, superseded, subscription = db.execute(
        _RECORDS, {"client_id": client.id, "day": day, "since": since, "device_id": device_id}
    ).first()
    return DayRecords(attendance, assessment, note, help_request.shown(newest), bool(superseded), subscription)
