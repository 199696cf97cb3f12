"""Every form of every audience, posted with hostile values.

FORMS declares each POST route's fields with a valid value; a route missing
from it fails test_every_post_route_is_in_the_table, as in the access matrix.
Each field in turn gets every HOSTILE value (and is sent twice); the answer
must never be a 5xx, and a refusal (4xx) must leave the database as it was.
The figures are printed at the end of the run:

    .venv/bin/pytest tests/test_fuzz.py -q -s
"""

import io
import json
from datetime import timedelta
from urllib.parse import quote

import pytest
from werkzeug.datastructures import MultiDict

from selko.models import Base
from selko.web import security
from tests.conftest import rows_a_refusal_keeps
from tests.test_access_matrix import OK, ROUTES, build_world

TODAY = "2026-11-23"  # the frozen Monday in tests/conftest.py
HOSTILE = [
    "",
    "²",
    "١٢",
    "𝟙",
    "x" * 100_000,
    "a\x00b",
    "a\r\nb",
    "a\x1bb",
    "\u2028",
    "99999999999999999999",
    "-1",
    "1e309",
    "0",
    "2026-02-30",
    "99999-01-01",
    "0000-00-00",
    "25.00",
    "8.99",
    "٨.٣٠",
    "99999999999999999999.00",
]
# Changes a refused request may make: the audit trail, and a passkey
# challenge used up by a refused answer (it must not be tried twice).
NOT_COMPARED = {"audit_events", "passkey_challenges"}

# An empty action_key is a new press, as on a page made before keys existed.
AREAS = {area: "3" for area in ("energy", "mind", "skills", "everyday", "work")}
FORMS = {
    "/signin/<token>": {},
    "/language": {"language": "sv"},
    "/passkeys/sign-in/options": {},
    "/passkeys/sign-in": {"credential": "{}"},
    "/signout": {},
    "/signout/everywhere": {},
    "/passkeys/options": {},
    "/passkeys": {"credential": "{}"},
    "/account/passkeys/<id:passkey_id>/name": {"name": "My phone"},
    "/account/passkeys/<id:passkey_id>/delete": {},
    "/arrive": {"action_key": "", "day": TODAY},
    "/leave": {"action_key": "", "day": TODAY, "sure": "1"},
    "/leave/undo": {"day": TODAY},
    "/coach/clients/<id:client_id>/attendance/<day>": {"state": "times", "arrived": "8.00", "left": "9.00", "reason": ""},
    "/coach/clients/<id:client_id>/diary": {"day": TODAY, "text": "Hyvä päivä.", "shown": "1"},
    "/admin/compensation": {"amount": "8,50", "half": "1"},
    "/absent": {"action_key": "", "day": TODAY, "reason": "ill", "note": "Flu"},
    "/help": {"action_key": "", "task": "<assignment_id>", "step": "<step_id>"},
    "/help/<id:request_id>/cancel": {},
    "/messages/<id:message_id>/seen": {},
    "/today-went": {"action_key": "", "day": TODAY, **AREAS, "talk": "1"},
    "/alarms": {"work_start": "1", "break_start": "1", "break_end": "0", "work_end": "1"},
    "/alarms/silence": {"day": TODAY},
    "/alarms/subscription": {},
    "/alarms/test": {},
    "/alarms/test/heard": {"heard": "yes"},
    "/alarms/shown": {},
    "/alarms/permission": {"permission": "granted"},
    "/share": {"name": "Mum", "tasks": "1"},
    "/share/<id:share_id>/stop": {},
    "/tasks/<id:assignment_id>/steps/<id:step_id>": {"action_key": "", "day": TODAY, "done": "1", "next": "/tasks/1/ready"},
    "/coach/clients/new": {"name": "Eero", "phone": "040 1", "workplace": "Cafe", "language": "fi"},
    "/coach/tasks/new": {"title": "Lakaise", "emoji": "🧹", "steps": "Ota harja.\nLakaise.", "q": "harja"},
    "/coach/tasks/<id:task_id>": {"title": "Lakaise", "emoji": "🧹", "steps": "Ota harja.\nLakaise.", "q": "harja"},
    "/coach/help/<id:request_id>/handled": {"contact": "call"},
    "/coach/talks/<id:answer_id>/handled": {"contact": "visit"},
    "/coach/clients/<id:client_id>/contacts": {"kind": "meeting", "date": TODAY, "note": "Tapasimme kahvilassa ohjaajan kanssa."},
    "/coach/clients/<id:client_id>/connect": {},
    "/coach/clients/<id:client_id>/schedule/<int:weekday>": {
        "works": "1",
        "starts": "8.00",
        "ends": "14.00",
        "break0_starts": "10.00",
        "break0_ends": "10.15",
        "break0_name": "Coffee",
    },
    "/coach/clients/<id:client_id>/exceptions": {"date": "2026-12-01", "kind": "hours", "starts": "9.00", "ends": "12.00", "note": "Dentist"},
    "/coach/clients/<id:client_id>/exceptions/<id:exception_id>/delete": {},
    "/coach/clients/<id:client_id>/assignments": {"weekday": "1", "task": "<task_id>"},
    "/coach/clients/<id:client_id>/one-step": {"one_step": "1"},
    "/coach/tasks/give": {"weekday": "1", "task": "<task_id>", "client": "<client_id>"},
    "/coach/selko-check": {"selko_check": "steps", "selko_field": "steps", "steps": "Ota harja.\nLattia lakaistaan."},
    "/coach/tasks/<id:task_id>/copy": {},
    # "<photo>" is a real photo file, sent as multipart (Fuzzer.post).
    "/coach/tasks/<id:task_id>/photo": {"photo": "<photo>"},
    "/coach/tasks/<id:task_id>/photo/remove": {},
    "/coach/tasks/<id:task_id>/steps/<id:step_id>/photo": {"photo": "<photo>"},
    "/coach/tasks/<id:task_id>/steps/<id:step_id>/photo/remove": {},
    # A recording is a file (tests/test_voice.py); here the field comes as text.
    "/coach/tasks/<id:task_id>/steps/<id:step_id>/voice": {"voice": ""},
    "/coach/tasks/<id:task_id>/steps/<id:step_id>/voice/remove": {},
    "/coach/clients/<id:client_id>/assignments/<id:assignment_id>/delete": {},
    "/coach/clients/<id:client_id>/assignments/<id:assignment_id>/up": {},
    "/coach/clients/<id:client_id>/devices/<id:device_id>/sign-out": {},
    "/coach/clients/<id:client_id>/passkeys/<id:passkey_id>/delete": {},
    "/coach/clients/<id:client_id>/phone-lost": {},
    "/coach/clients/<id:client_id>/reminder": {"ready": "Good work today!", "own": "Soita minulle"},
    "/coach/clients/<id:client_id>/attendance": {"arrived": "8.00", "left": "9.15", "reason": ""},
    "/coach/clients/<id:client_id>/shares": {"name": "Dad", "agreed": "1", "ends_on": "2027-01-31", "tasks": "1"},
    "/coach/clients/<id:client_id>/shares/<id:share_id>/stop": {},
    "/admin/coaches": {"name": "Kaisa", "admin": "1"},
    "/admin/coaches/<id:user_id>/link": {},
    "/admin/coaches/<id:user_id>/deactivate": {},
    "/admin/coaches/<id:user_id>/clients": {"to": "<other_coach_id>", "client": "<client_id>"},
    "/admin/clients/<id:client_id>/erase": {"confirm": "Asiakas A"},
}
# JSON bodies, each with broken versions of a valid shape.
SUBSCRIPTION = {"endpoint": "https://push.example.com/abc", "keys": {"p256dh": "BNc", "auth": "tBH"}}
JSON_BODIES = [
    None,
    [],
    "x",
    1e308,
    {"endpoint": None},
    {"endpoint": 5, "keys": []},
    {**SUBSCRIPTION, "endpoint": "https://push.example.com/a\x00b"},
    {**SUBSCRIPTION, "keys": {"p256dh": "a\x00", "auth": "\x1b"}},
    {**SUBSCRIPTION, "endpoint": "https://" + "x" * 100_000},
]
CREDENTIALS = [
    "",
    "null",
    "[]",
    "{",
    '"x"',
    "1e309",
    '{"rawId": 5}',
    '{"rawId": "!!!"}',
    '{"rawId": "AAAA", "response": []}',
    '{"rawId": "AAAA", "response": {"clientDataJSON": 5}}',
    '{"rawId": "AAAA", "response": {"clientDataJSON": "not base64!", "userHandle": "%%%"}}',
    '{"rawId": "AAAA", "response": {"userHandle": 12}}',
    '{"rawId": "AAAA", "response": {"userHandle": ["a"]}}',
    '{"rawId": "AAAA", "response": {"userHandle": "\\u0000"}}',
]
# GET routes that read query arguments.
QUERIES = {
    "/admin/audit": "client",
    "/admin/audit.csv": "client",
    "/s/<token>": "lang",
    "/s/<token>.ics": "lang",
    # The task form's picture search, as htmx asks for it and as a link.
    "/coach/tasks/new": "q",
    "/coach/tasks/<id:task_id>": "q",
}

PHOTO = bytes.fromhex(  # a 1 x 1 PNG
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8cfc000000301010018dd8db40000000049454e44ae426082"
)

tried = {"forms": 0, "values": 0, "answers": 0, "5xx": 0}


def post_routes(app) -> set:
    return {rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def test_every_post_route_is_in_the_table(app):
    assert post_routes(app) - set(FORMS) == set(), "add the new form to FORMS with a valid value for each field"
    assert set(FORMS) - post_routes(app) == set(), "a form in FORMS no longer exists"


def persona_for(route: str, method: str) -> str:
    """The person the route is for: a client, a coach, an admin, or anyone."""
    allowed = ROUTES[(route, method)]
    return next(p for p in ("client_a", "coach_a", "admin_a", "anonymous") if allowed[p] == OK)


def filled(text: str, values: dict) -> str:
    if text.startswith("/s/<token>"):
        text = text.replace("<token>", values["share_token"])  # a family link, not a sign-in link
    for name, value in values.items():
        for converter in ("", "id:", "int:"):
            text = text.replace(f"<{converter}{name}>", str(value))
    return text


def snapshot(session) -> dict:
    """Every row of every table, except the changes a refusal may make."""
    session.expire_all()
    return {
        table.name: sorted(map(repr, session.execute(rows_a_refusal_keeps(table)).all()))
        for table in Base.metadata.sorted_tables
        if table.name not in NOT_COMPARED
    }


class Fuzzer:
    def __init__(self, web, session, now):
        self.web, self.session, self.now = web, session, now
        self.token = web.csrf_token()
        self.before = None
        self.fives = []

    def send(self, what, answer):
        """Check one answer: no 5xx, and a refusal changed nothing."""
        tried["answers"] += 1
        status = answer.status_code
        if status >= 500:
            tried["5xx"] += 1
            print("5xx:", status, what)
            self.fives.append((what, status))
        elif 400 <= status < 500:
            assert snapshot(self.session) == self.before, f"{what} was refused with {status} but changed the database"
        else:
            # Accepted: the world changed, and a new session may need a new token.
            self.before = snapshot(self.session)
            self.token = self.web.csrf_token()

    def ready(self):
        # Time moves on between two posts, as it does for people: two coach
        # messages or help alarms are never due at the very same instant.
        self.now.set(self.now.value + timedelta(milliseconds=1))
        if self.before is None:
            self.before = snapshot(self.session)

    def post(self, url, what, fields=None, **kwargs):
        """fields: (name, value) pairs; a csrf_token among them replaces the valid one."""
        self.ready()
        if fields is not None:
            if not any(name == "csrf_token" for name, _ in fields):
                fields = [*fields, ("csrf_token", self.token)]
            # A file field gets a new file each time: a sent one is read to its end.
            fields = [(name, (io.BytesIO(PHOTO), "photo.png") if value == "<photo>" else value) for name, value in fields]
            kwargs["data"] = MultiDict(fields)
        else:
            kwargs["headers"] = {"X-CSRFToken": self.token}  # a JSON body carries it as htmx does
        self.send(what, self.web.http.post(url, **kwargs))

    def get(self, url, what):
        self.ready()
        self.send(what, self.web.http.get(url))


@pytest.fixture
def world(app, make, session, client_factory, sign_in, monkeypatch):
    monkeypatch.setattr(security.limiter, "enabled", False)
    # A failing view answers 500, as in production, instead of raising in the test.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return build_world(app, make, session, client_factory, sign_in)


@pytest.mark.parametrize("route", sorted(FORMS))
def test_hostile_form_values(route, world, session, now):
    browsers, values = world
    fuzzer = Fuzzer(browsers[persona_for(route, "POST")], session, now)
    url = filled(route, values)
    valid = {name: filled(value, values) for name, value in FORMS[route].items()}
    tried["forms"] += 1
    # A form without fields of its own still carries the CSRF token.
    for field in valid or ["csrf_token"]:
        for value in HOSTILE:
            tried["values"] += 1
            fields = [*valid.items(), (field, value)] if field not in valid else [(k, value if k == field else v) for k, v in valid.items()]
            fuzzer.post(url, f"{route} {field}={value[:20]!r}", fields)
        # The same field twice, with different values.
        tried["values"] += 1
        fuzzer.post(url, f"{route} {field} twice", [*valid.items(), (field, "²")])
    assert fuzzer.fives == []


@pytest.mark.parametrize("route", ["/alarms/subscription", "/alarms/permission"])
def test_hostile_json(route, world, session, now):
    browsers, values = world
    fuzzer = Fuzzer(browsers["client_a"], session, now)
    tried["forms"] += 1
    for body in JSON_BODIES:
        tried["values"] += 1
        fuzzer.post(route, f"{route} {str(body)[:40]}", None, data=json.dumps(body), content_type="application/json")
    assert fuzzer.fives == []


@pytest.mark.parametrize("route, persona", [("/passkeys/sign-in", "anonymous"), ("/passkeys", "client_a")])
def test_hostile_passkey_credentials(route, persona, world, session, now):
    browsers, values = world
    fuzzer = Fuzzer(browsers[persona], session, now)
    tried["forms"] += 1
    for credential in CREDENTIALS:
        tried["values"] += 1
        fuzzer.post(route, f"{route} {credential[:40]}", [("credential", credential)])
    assert fuzzer.fives == []


def test_hostile_path_and_query_values(world, session, app):
    """Every path parameter and query argument, with hostile text in the address."""
    browsers, values = world
    fives = []
    for route, method in sorted(ROUTES):
        if "<" not in route and route not in QUERIES or "path:" in route or route.startswith("/static"):
            continue
        web = browsers[persona_for(route, method)]
        tried["forms"] += 1
        names = [part.split(">")[0].split(":")[-1] for part in route.split("<")[1:]]
        for name in names:
            for value in HOSTILE:
                tried["values"] += 1
                url = filled(route, {**values, name: quote(value, safe="")})
                answer = web.get(url) if method == "GET" else web.post(url, {})
                fives += [(url[:80], answer.status_code)] if answer.status_code >= 500 else []
        if route in QUERIES:
            for value in HOSTILE:
                tried["values"] += 1
                answer = web.get(filled(route, values) + f"?{QUERIES[route]}={quote(value)}")
                fives += [(route, value[:20], answer.status_code)] if answer.status_code >= 500 else []
    tried["5xx"] += len(fives)
    assert fives == []


def pytest_terminal_summary_line() -> str:
    return (
        f"fuzz: {tried['forms']} forms and addresses, {tried['values']} hostile requests "
        f"({tried['answers']} of them form and JSON posts, each refusal checked for changes), {tried['5xx']} answers 5xx"
    )


@pytest.fixture(scope="module", autouse=True)
def _print_figures():
    yield
    print("\n" + pytest_terminal_summary_line())
