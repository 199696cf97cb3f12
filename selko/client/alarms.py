"""The phone's alarms: turning them on, silencing today's, a test ring, and what the phone reports."""

from flask import abort, current_app, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import delete, select

from selko import access, clock, db
from selko.alarms import SCHEDULE_KINDS, Kind, messages, ring_now, webpush
from selko.client.blueprint import bp, posted_day, todays_date
from selko.ids import parse_id
from selko.models import Permission, PushSubscription
from selko.web.pages import page


def _this_phones_subscription() -> PushSubscription | None:
    return db.session().scalar(select(PushSubscription).where(PushSubscription.device_session_id == g.device.id))


@bp.route("/alarms", methods=["GET", "POST"])
def alarms():
    profile = g.user.client_profile
    if request.method == "POST":
        for kind in SCHEDULE_KINDS:
            setattr(profile, kind.column, request.form.get(kind) == "1")
        db.session().commit()
        return redirect(url_for(".alarms"), code=303)
    return page(
        "client/alarms.html",
        profile=profile,
        kinds=SCHEDULE_KINDS,
        day=todays_date(),
        subscription=_this_phones_subscription(),
    )


@bp.post("/alarms/silence")
def alarms_silence():
    day = posted_day()
    profile = g.user.client_profile
    profile.alarms_silenced_on = None if profile.alarms_silenced_on == day else day
    db.session().commit()
    return redirect(url_for(".alarms"), code=303)


@bp.post("/alarms/subscription")
@access.signed_in  # coaches subscribe too, for "absent" and "needs help" alerts
def alarms_subscribe():
    config = current_app.config
    subscription = webpush.subscription_from(request.get_json(silent=True), config["PUSH_HOSTS"], config["PUSH_ALLOW_LOCAL"])
    if subscription is None:
        return jsonify(message=_("Something went wrong. Try again.")), 400
    db.session().execute(
        delete(PushSubscription).where((PushSubscription.endpoint == subscription.endpoint) | (PushSubscription.device_session_id == g.device.id))
    )
    db.session().add(
        PushSubscription(
            user_id=g.user.id,
            device_session_id=g.device.id,
            endpoint=subscription.endpoint,
            p256dh=subscription.p256dh,
            auth=subscription.auth,
            created_at=clock.now(),
        )
    )
    db.session().commit()
    return jsonify(ok=True), 201


@bp.post("/alarms/test")
def alarms_test():
    subscription = _this_phones_subscription()
    if subscription is None:
        abort(400, description=_("First let Selko ring on this phone."))
    subscription.last_test_at = clock.now()
    subscription.test_heard = None
    ring_now(db.session(), g.user, Kind.test)
    db.session().commit()
    return redirect(url_for(".alarms") + "#test", code=303)


@bp.post("/alarms/test/heard")
def alarms_heard():
    subscription = _this_phones_subscription()
    if subscription is None or request.form.get("heard") not in ("yes", "no"):
        abort(400, description=_("Something went wrong. Try again."))
    subscription.test_heard = request.form["heard"] == "yes"
    db.session().commit()
    return redirect(url_for(".alarms") + "#test", code=303)


@bp.post("/alarms/permission")
@access.signed_in
def alarms_permission():
    """The page tells what the browser allows, so the coach knows if alarms can ring."""
    state = request.form.get("permission", "")
    if state not in set(Permission):
        abort(400)
    g.device.notification_permission = state
    db.session().commit()
    return "", 204


@bp.post("/alarms/shown")
@access.signed_in
def alarms_shown():
    """The service worker says it showed an alarm: the coach sees that alarms ring here."""
    subscription = _this_phones_subscription()
    if subscription is not None:
        subscription.last_shown_at = clock.now()
    messages.mark_shown(db.session(), g.user.id, parse_id(request.args.get("reminder", "")))
    db.session().commit()
    return "", 204
