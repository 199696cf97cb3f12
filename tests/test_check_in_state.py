"""One rule for where a client's day stands (attendance.state): Today, the
coach's board and the register say the same thing for the same day."""

import re
from datetime import datetime

import pytest

from selko.day import attendance
from selko.day.attendance import CheckIn
from tests.conftest import HELSINKI, html_of, visible_text

DAY = "2026-11-23"  # a Monday, a work day from 8.00 to 14.00


def press(phone, state: CheckIn, now):
    if state in (CheckIn.arrived, CheckIn.left):
        now.set(datetime(2026, 11, 23, 8, 5, tzinfo=HELSINKI))
        assert phone.post("/arrive", {"day": DAY}).status_code in (200, 303)
    if state is CheckIn.left:
        now.set(datetime(2026, 11, 23, 14, 5, tzinfo=HELSINKI))
        assert phone.post("/leave", {"day": DAY, "sure": "1"}).status_code in (200, 303)
    if state is CheckIn.absent:
        assert phone.post("/absent", {"day": DAY, "reason": "ill"}).status_code in (200, 303)
    now.set(datetime(2026, 11, 23, 14, 30, tzinfo=HELSINKI))


TODAY_SAYS = {
    CheckIn.none: "I am at work",
    CheckIn.arrived: "I am going home",
    CheckIn.left: "You went home at 14:05.",
    CheckIn.absent: "You are not coming today.",
}
BOARD_SAYS = {CheckIn.none: "Not yet at work", CheckIn.arrived: "At work since 8:05", CheckIn.left: "Was at work 8:05–14:05", CheckIn.absent: "Absent"}
REGISTER_SAYS = {CheckIn.none: "Nothing recorded", CheckIn.arrived: "Present", CheckIn.left: "Present", CheckIn.absent: "Absent"}


@pytest.mark.parametrize("state", list(CheckIn))
def test_today_the_board_and_the_register_agree_on_the_day(pair, session, now, state):
    desk, phone, client = pair
    press(phone, state, now)
    assert attendance.state(attendance.for_day(session, client.id, datetime(2026, 11, 23).date())) is state

    today = visible_text(phone.get("/"))
    assert TODAY_SAYS[state] in today
    for other in set(CheckIn) - {state, CheckIn.none}:
        assert TODAY_SAYS[other] not in today, f"{state}: Today shows {other} too"

    board = desk.get("/coach/")
    assert f"status-{state.value if state is not CheckIn.none else 'not_yet'}" in html_of(board), "the row's class"
    assert BOARD_SAYS[state] in visible_text(board)

    register = visible_text(desk.get(f"/coach/clients/{client.id}/attendance/{DAY}"))
    assert REGISTER_SAYS[state] in register


def test_offline_the_page_holds_only_the_states_a_press_can_lead_to(pair, now):
    """The check-in block names the state each press leads to, and holds
    hidden exactly the states that can follow the one shown."""
    _desk, phone, _client = pair
    press(phone, CheckIn.arrived, now)
    html = html_of(phone.get("/"))
    block = html[html.index('id="check-in"') :]
    block = block[: block.index("</section>")]
    assert re.findall(r'data-part="(\w+)"( hidden)?', block) == [("arrived", ""), ("left", " hidden")]
    assert '"arrive": "arrived"' in block and '"absent": "absent"' in block and '"leave": "left"' in block
