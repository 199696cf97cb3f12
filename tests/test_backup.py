"""Backups: `selko backup` while Selko runs, the database destroyed, `selko
restore` puts every row back (SQLite and PostgreSQL); `selko db revision`."""

import shutil

from sqlalchemy import MetaData, select, text

from selko import db, demo
from selko.models import Base


def _every_row(engine) -> dict:
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return {name: sorted(map(repr, connection.execute(select(table)).all())) for name, table in tables.tables.items()}


def test_a_backup_brings_back_every_row_after_the_database_is_gone(app, session, tmp_path):
    with app.app_context():
        demo.load(session)
        session.commit()
    engine = app.extensions["selko.engine"]
    before = _every_row(engine)
    assert len(before["users"]) >= 4 and len(before["attendance"]) > 20 and before["alembic_version"]

    runner = app.test_cli_runner()
    target = tmp_path / "selko.backup"
    done = runner.invoke(args=["backup", str(target)])
    assert done.exit_code == 0 and "backed up to" in done.output, done.output
    assert target.stat().st_mode & 0o077 == 0, "the backup is readable by its owner only"

    session.close()
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    assert _every_row(engine) == {}

    refused = runner.invoke(args=["restore", str(target)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert _every_row(engine) == {}, "without --yes nothing changes"
    done = runner.invoke(args=["restore", str(target), "--yes"])
    assert done.exit_code == 0, done.output
    engine.dispose()
    assert _every_row(engine) == before


def test_restoring_something_that_is_not_a_backup_changes_nothing(app, make, tmp_path):
    make.coach()
    engine = app.extensions["selko.engine"]
    before = _every_row(engine)
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("shopping list")
    done = app.test_cli_runner().invoke(args=["restore", str(not_a_backup), "--yes"])
    assert done.exit_code == 1 and "Error:" in done.output and "Traceback" not in done.output
    missing = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "nothing"), "--yes"])
    assert missing.exit_code == 1 and "no backup file" in missing.output
    engine.dispose()
    assert _every_row(engine) == before


def test_db_revision_makes_the_next_numbered_migration_and_finds_no_change_at_head(app, tmp_path, monkeypatch):
    copy = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(db, "MIGRATIONS", copy)
    latest = max(int(p.name[:4]) for p in (copy / "versions").glob("[0-9]*.py"))

    done = app.test_cli_runner().invoke(args=["db", "revision", "-m", "nothing changed"])
    assert done.exit_code == 0, done.output
    made = copy / "versions" / f"{latest + 1:04d}_nothing_changed.py"
    assert made.exists(), sorted(p.name for p in (copy / "versions").iterdir())
    source = made.read_text()
    assert f"down_revision = '{latest:04d}'" in source
    # The models and the migrated database agree: nothing to do.
    upgrade = source.split("def upgrade()")[1].split("def downgrade()")[0]
    assert "op." not in upgrade and "pass" in upgrade
