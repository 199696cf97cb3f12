"""The task library: tasks, their steps, pictures, photos and the coach's voice."""

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from selko import db
from selko.access import client_for_coach, clients_of, owned
from selko.coach.blueprint import WEEKDAYS, bp, saved
from selko.day.tasks import assign_task
from selko.i18n import weekday_name
from selko.ids import parse_id
from selko.library import photos, pictures, voice
from selko.library.tasks import check_task, copy_task, copy_title, of_organisation, set_steps
from selko.models import Task, TaskStep
from selko.web.pages import page, wants_partial
from selko.words.selko_check import CHECKS
from selko.words.selko_check import check as check_text


def library_tasks() -> list[Task]:
    return of_organisation(db.session(), g.user.organisation_id)


def task_choices(library: list[Task]) -> list[tuple[int, str]]:
    return [(t.id, f"{t.emoji} {t.title}".strip()) for t in library]


def weekday_and_task() -> tuple[int | None, Task | None]:
    """The weekday and the library's task a form chose; None for what it did not."""
    weekday = {str(d): d for d in WEEKDAYS}.get(request.form.get("weekday", ""))
    task_id = parse_id(request.form.get("task"))
    task = db.session().get(Task, task_id) if task_id else None
    return weekday, task if task is not None and task.organisation_id == g.user.organisation_id else None


@bp.get("/tasks")
def task_library():
    return _library_page()


def _library_page(status: int = 200, **extra):
    library = library_tasks()
    return page(
        "coach/tasks.html",
        status=status,
        library=library,
        task_choices=task_choices(library),
        client_choices=[(c.id, c.name) for c in clients_of(g.user)],
        weekday_choices=[(d, weekday_name(d)) for d in WEEKDAYS],
        **extra,
    )


@bp.post("/tasks/give")
def task_give():
    """A task from the library on a weekday of one of the coach's own clients."""
    weekday, task = weekday_and_task()
    client_id = parse_id(request.form.get("client"))
    if weekday is None or task is None or client_id is None:
        return _library_page(400, error=_("Choose a task, a client and a day."), give_form=request.form)
    client = client_for_coach(client_id)
    assign_task(db.session(), client, task, weekday)
    db.session().commit()
    return saved(
        _("Task added: %(task)s, %(day)s, %(name)s.", task=task.title, day=weekday_name(weekday), name=client.name),
        url_for(".task_library"),
        "give",
    )


@bp.post("/tasks/<id:task_id>/copy")
def task_copy(task_id: int):
    """A copy to change for one client; the original stays as it is for the others."""
    original = _library_task(task_id)
    copy = copy_task(db.session(), original, copy_title(original.title))
    db.session().commit()
    return saved(_("Copy made: %(task)s. Change it here.", task=copy.title), url_for(".task_edit", task_id=copy.id))


def _library_task(task_id: int) -> Task:
    return owned(Task, task_id, organisation_id=g.user.organisation_id)


def _picture_choices(query: str) -> dict:
    """The task form's pictures for a search, and the words on what was found."""
    query = " ".join(query.split())[:100]
    found = pictures.search(query)
    if not query:
        words = _("Pictures for everyday work. Search for more.")
    elif found:
        words = ngettext("%(num)s picture for “%(words)s”.", "%(num)s pictures for “%(words)s”.", len(found), words=query)
    else:
        words = _("No pictures for “%(words)s”. Try another word.", words=query)
    return {"query": query, "found": found, "found_words": words}


@bp.route("/tasks/new", methods=["GET", "POST"], defaults={"task_id": None})
@bp.route("/tasks/<id:task_id>", methods=["GET", "POST"])
def task_edit(task_id: int | None):
    """A task of the library. Its pictures are searched by a word in the
    coach's language: htmx asks for the pictures alone as the coach types
    (GET with q), and without JavaScript "Search" posts the form back with
    what it found and saves nothing."""
    task = _library_task(task_id) if task_id is not None else None
    if request.method == "GET":
        form = {}
        if task:
            form = {"title": task.title, "emoji": task.emoji, "steps": "\n".join(s.text for s in task.steps)}
        if "emoji" in request.args:  # the picture checked when htmx searched
            form["emoji"] = request.args["emoji"]
        choices = _picture_choices(request.args.get("q", ""))
        return page(
            "coach/task_edit.html",
            partial="coach/_picture_picker.html",
            task=task,
            form=form,
            chosen=form.get("emoji", "").strip(),
            alone=wants_partial(),
            **choices,
        )
    form = {k: request.form.get(k, "") for k in ("title", "emoji", "steps")}
    choices = _picture_choices(request.form.get("q", ""))
    if "search" in request.form:
        return page("coach/task_edit.html", task=task, form=form, chosen=form["emoji"].strip(), **choices)
    errors, steps = check_task(form, current_picture=task.emoji if task else "")
    if errors:
        return page("coach/task_edit.html", status=400, task=task, form=form, chosen=form["emoji"].strip(), errors=errors, **choices)
    if task is None:
        task = Task(organisation_id=g.user.organisation_id)
        db.session().add(task)
    task.title = form["title"].strip()
    chosen = pictures.offered(form["emoji"])
    task.emoji = chosen.emoji if chosen else form["emoji"].strip()
    set_steps(db.session(), task, steps)
    db.session().commit()
    return saved(_("Task saved: %(task)s.", task=task.title), url_for(".task_library"))


@bp.post("/selko-check")
def selko_check():
    """The selko check of the field the coach is typing in: htmx sends the
    field's form, which field it is and how to read it (macros.html). Only
    htmx asks: without JavaScript the form shows its suggestions when it is
    shown again."""
    what = request.form.get("selko_check", "")
    if what not in CHECKS or not wants_partial():
        abort(400)
    text = request.form.get(request.form.get("selko_field", ""), "")
    return page("coach/_selko_check.html", check_result=check_text(text, what))


def _task_page(task: Task | None, status: int = 200, **extra):
    form = {"title": task.title, "emoji": task.emoji, "steps": "\n".join(s.text for s in task.steps)} if task else {}
    return page("coach/task_edit.html", status=status, task=task, form=form, chosen=form.get("emoji", "").strip(), **_picture_choices(""), **extra)


def _library_step(task_id: int, step_id: int) -> tuple[Task, TaskStep]:
    task = _library_task(task_id)
    step = next((s for s in task.steps if s.id == step_id), None)
    if step is None:
        abort(404)
    return task, step


def _photo_answer(task: Task, step: TaskStep | None, message: str | None = None, problem: str | None = None, status: int = 200):
    """After a photo's upload or removal: the photo's block again (htmx), or
    the task's page at that block. A refusal shows the page with its reason."""
    block = f"step-{step.id}-photo" if step else "task-photo"
    partial = "coach/_step_photo.html" if step else "coach/_task_photo.html"
    if problem is None:
        flash(message, block)
        if not wants_partial():
            return redirect(url_for(".task_edit", task_id=task.id) + f"#{block}", code=303)
    photo_problem = {block: problem} if problem else {}
    if wants_partial():
        return page(partial, status=status, task=task, step=step, photo_problem=photo_problem)
    return _task_page(task, status, photo_problem=photo_problem, errors={f"{block}-camera": problem})


def _upload() -> bytes | None:
    """The chosen file: the camera's or the phone's photos', whichever has one."""
    chosen = next((f for f in request.files.getlist("photo") if f.filename), None)
    return chosen.read() if chosen else None


def _save_photo(task: Task, step: TaskStep | None):
    data = _upload()
    if not data:
        return _photo_answer(task, step, problem=_("Choose a photo first."), status=400)
    problem = photos.attach(db.session(), step or task, data)
    if problem:
        db.session().rollback()
        return _photo_answer(task, step, problem=problem.message, status=400)
    db.session().commit()
    return _photo_answer(task, step, _("Photo saved."))


def _remove_photo(task: Task, step: TaskStep | None):
    photos.remove(db.session(), step or task)
    db.session().commit()
    return _photo_answer(task, step, _("Photo removed."))


@bp.post("/tasks/<id:task_id>/photo")
def task_photo(task_id: int):
    return _save_photo(_library_task(task_id), None)


@bp.post("/tasks/<id:task_id>/photo/remove")
def task_photo_remove(task_id: int):
    return _remove_photo(_library_task(task_id), None)


@bp.post("/tasks/<id:task_id>/steps/<id:step_id>/photo")
def step_photo(task_id: int, step_id: int):
    return _save_photo(*_library_step(task_id, step_id))


@bp.post("/tasks/<id:task_id>/steps/<id:step_id>/photo/remove")
def step_photo_remove(task_id: int, step_id: int):
    return _remove_photo(*_library_step(task_id, step_id))


@bp.post("/tasks/<id:task_id>/steps/<id:step_id>/voice")
def step_voice(task_id: int, step_id: int):
    """The coach's recording of one step (recorded in the page, or a file)."""
    task, step = _library_step(task_id, step_id)
    upload = request.files.get("voice")
    # One byte more than allowed is enough to say it is too big.
    data = upload.stream.read(voice.MAX_BYTES + 1) if upload else b""
    sound = voice.attach(db.session(), step, data)
    if isinstance(sound, voice.Refused):
        db.session().rollback()
        return _task_page(task, 400, voice_errors={step.id: str(sound)})
    db.session().commit()
    number = task.steps.index(step) + 1
    return saved(_("Recording saved: step %(num)s.", num=number), url_for(".task_edit", task_id=task.id), f"step-{step.id}-media")


@bp.post("/tasks/<id:task_id>/steps/<id:step_id>/voice/remove")
def step_voice_remove(task_id: int, step_id: int):
    task, step = _library_step(task_id, step_id)
    voice.remove(db.session(), step)
    db.session().commit()
    number = task.steps.index(step) + 1
    return saved(_("Recording removed: step %(num)s.", num=number), url_for(".task_edit", task_id=task.id), f"step-{step.id}-media")
