"""The demo's task library: the clients' tasks, ready-made examples with a
picture on each step, one task still to be made plain, and the photos and
voices on their steps."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from selko.demo import photos as demo_photos
from selko.library import photos, voice
from selko.library.tasks import set_steps
from selko.models import Organisation, Task, User

TASKS = {
    "dishes": (
        "Tiskaa astiat",
        "🍽️",
        [
            "Laita esiliina päälle.",
            "Kerää likaiset astiat.",
            "Huuhtele astiat.",
            "Laita astiat koneeseen.",
            "Paina vihreää nappia.",
        ],
    ),
    "tables": (
        "Pyyhi pöydät",
        "🧽",
        [
            "Ota liina ja suihkepullo.",
            "Suihkuta pöydälle.",
            "Pyyhi pöytä kuivaksi.",
            "Nosta tuolit paikalleen.",
        ],
    ),
    "coffee": (
        "Keitä kahvia",
        "☕",
        [
            "Laita suodatinpussi paikalleen.",
            "Mittaa kuusi mittaa kahvia.",
            "Kaada vesi keittimeen.",
            "Paina virtanappia.",
        ],
    ),
    "parcels": (
        "Lajittele paketit",
        "📦",
        [
            "Ota paketti hyllystä.",
            "Katso postinumero.",
            "Laita paketti oikeaan laatikkoon.",
        ],
    ),
    "floor": (
        "Lakaise lattia",
        "🧹",
        [
            "Ota harja ja rikkalapio.",
            "Lakaise lattia ovelta alkaen.",
            "Vie roskat roskikseen.",
        ],
    ),
    "prices": (
        "Hinnoittele vaatteet",
        "🏷️",
        [
            "Ota vaate korista.",
            "Katso hintalistasta hinta.",
            "Kiinnitä hintalappu hihaan.",
            "Ripusta vaate rekkiin.",
        ],
    ),
}

# Ready-made tasks in the library for every coach to give or copy: each step
# with its picture, for a client who sees one step at a time.
EXAMPLE_TASKS = {
    "shelf": (
        "Täytä hylly",
        "🛒",
        [
            ("📦", "Hae tuotteet varastosta."),
            ("🏷️", "Katso hyllyn hintalappu."),
            ("👉", "Siirrä vanhat tuotteet eteen."),
            ("🛒", "Laita uudet tuotteet taakse."),
            ("♻️", "Vie tyhjä laatikko pois."),
        ],
    ),
    "rubbish": (
        "Vie roskat",
        "🗑️",
        [
            ("🧤", "Laita hanskat käteen."),
            ("🗑️", "Sido pussi kiinni."),
            ("🚪", "Vie pussi ulos roskikseen."),
            ("🛍️", "Laita uusi pussi astiaan."),
            ("🧼", "Pese kädet."),
        ],
    ),
    "order": (
        "Pakkaa paketti",
        "📦",
        [
            ("📄", "Lue lappu."),
            ("🔎", "Hae tavarat hyllystä."),
            ("📦", "Laita tavarat laatikkoon."),
            ("🩹", "Sulje laatikko teipillä."),
            ("🏷️", "Liimaa osoite laatikon päälle."),
            ("🚪", "Vie laatikko oven viereen."),
        ],
    ),
    "toilet": (
        "Siivoa vessa",
        "🚽",
        [
            ("🧤", "Laita hanskat käteen."),
            ("🚰", "Pese allas."),
            ("🚽", "Pese pönttö harjalla."),
            ("🧻", "Laita uusi paperi paikalleen."),
            ("🧹", "Pyyhi lattia."),
        ],
    ),
}

# A task in the library still to be made plain: one step in the passive, so
# the demo's task page shows the selko check's suggestion under the steps.
TASK_TO_IMPROVE = (
    "Puhdista kahvinkeitin",
    "☕",
    [
        "Kaada vettä ja etikkaa keittimeen.",
        "Keitin käynnistetään.",
        "Kaada vesi pois.",
        "Huuhtele kannu vedellä.",
    ],
)


def make_tasks(db: Session, organisation: Organisation) -> dict[str, Task]:
    """The clients' tasks (TASKS) in the library, by key."""
    tasks = {}
    for key, (title, emoji, steps) in TASKS.items():
        task = Task(organisation_id=organisation.id, title=title, emoji=emoji)
        db.add(task)
        set_steps(db, task, steps)
        tasks[key] = task
    db.flush()
    return tasks


def step_photos(db: Session, organisation: Organisation) -> None:
    """A drawn photo for every step that has none, and the first one's for its
    task: added once, also to a demo made before photos."""
    scenes = list(demo_photos.SCENES)
    for task in db.scalars(select(Task).where(Task.organisation_id == organisation.id).order_by(Task.id)):
        for step in task.steps:
            if step.photo is None and step.text in demo_photos.SCENES:
                photos.attach(db, step, demo_photos.scene(step.text, scenes.index(step.text)), effort=0)
        if task.photo is None and task.steps and task.steps[0].photo:
            task.photo = task.steps[0].photo


VOICED_TASK, VOICED_STEPS = "dishes", 2


def coach_voices(db: Session, organisation: Organisation) -> None:
    """Sanna's voice on the first steps of the dishes (Aino's first task
    today): made-up chimes, made here, so the demo needs no download."""
    title = TASKS[VOICED_TASK][0]
    task = db.scalar(select(Task).where(Task.organisation_id == organisation.id, Task.title == title).order_by(Task.id))
    for number, step in enumerate(task.steps[:VOICED_STEPS], start=1):
        if step.voice is None:
            voice.attach(db, step, voice.chime(1.0 + number, "webm"))
    db.flush()


def examples_and_one_step(db: Session, organisation: Organisation, client: User) -> None:
    """The example tasks in the library, and Mikko's steps one at a time:
    added once, also to a demo made before them."""
    titles = set(db.scalars(select(Task.title).where(Task.organisation_id == organisation.id)))
    if EXAMPLE_TASKS["shelf"][0] in titles:
        return
    for title, emoji, steps in EXAMPLE_TASKS.values():
        task = Task(organisation_id=organisation.id, title=title, emoji=emoji)
        db.add(task)
        set_steps(db, task, [text for _, text in steps])
        for step, (picture, _) in zip(task.steps, steps):
            step.emoji = picture
    client.client_profile.one_step_at_a_time = True
    db.flush()


def a_task_to_improve(db: Session, organisation: Organisation) -> None:
    """Added once, also to a demo made before it."""
    title, emoji, steps = TASK_TO_IMPROVE
    if db.scalar(select(Task.id).where(Task.organisation_id == organisation.id, Task.title == title)) is not None:
        return
    task = Task(organisation_id=organisation.id, title=title, emoji=emoji)
    db.add(task)
    set_steps(db, task, steps)
    db.flush()
