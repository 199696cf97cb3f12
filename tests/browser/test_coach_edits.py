"""The coach's edits: a task's picture is picked from a list, and every save
says so where the change was made, focused so a screen reader reads it."""

from sqlalchemy import select

from selko.models import Task, WorkDay


def test_a_coach_picks_a_picture_and_is_told_each_save(make, session, new_context, open_link):
    coach = make.coach(name="Sanna Coach")
    coach.language = "en"
    session.merge(coach)
    session.commit()
    client = make.client(coach=coach, name="Aino")
    desk = open_link(new_context(), coach)

    desk.goto("/coach/tasks/new")
    desk.fill("#title", "Sweep the floor")
    desk.fill("#steps", "Take the broom.\nSweep.")
    desk.get_by_label("Broom").check()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Save").click()
    status = desk.get_by_role("status")
    assert status.inner_text().strip().endswith("Task saved: Sweep the floor.")
    assert desk.evaluate("() => document.activeElement.classList.contains('saved')"), "focused, so it is read out"
    session.expire_all()
    assert session.scalar(select(Task.emoji).where(Task.title == "Sweep the floor")) == "🧹"
    assert "🧹 Sweep the floor" in desk.locator("main").inner_text()

    desk.goto(f"/coach/clients/{client.id}/schedule/0")
    desk.fill("#starts", "9.00")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Save").click()
    assert desk.url.endswith(f"/coach/clients/{client.id}/schedule#schedule")
    saved = desk.locator("#schedule [role=status]")
    assert "Schedule saved: Monday." in saved.inner_text()
    assert saved.evaluate("(el) => el === document.activeElement")
    box = saved.bounding_box()
    assert 0 <= box["y"] < 740, "the message is on the screen the coach lands on"
    session.expire_all()
    assert session.scalar(select(WorkDay.starts).where(WorkDay.client_id == client.id, WorkDay.weekday == 0)).hour == 9

    desk.reload()
    assert desk.locator("[role=status].saved").count() == 0, "said once, not on every visit"
