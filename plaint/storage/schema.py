"""The database schema is made and evolved only by migrations (Alembic), on SQLite and PostgreSQL
alike. Opening a database brings it to the newest schema; `plaint db upgrade` does the same on
its own, for a team that upgrades a shared database deliberately."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect

from plaint.errors import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# Alembic (and Mako with it) is imported by the functions that use it: a command that opens no
# database (plaint --help, plaint tag) need not pay for it.


def _config(connection=None) -> Config:  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(_config()).get_current_head())


def current(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> bool:
    """Bring the database to the newest schema; says whether anything was done. A database whose
    tables no migration made is refused rather than guessed at."""
    from alembic import command

    revision = current(engine)
    if revision == head():
        return False
    with engine.begin() as connection:
        if revision is None:
            refuse_foreign_tables(connection)
        command.upgrade(_config(connection), "head")
    return True


def refuse_foreign_tables(connection: Connection) -> None:
    """A database without plaint's revision that holds tables is another program's: refused."""
    if inspect(connection).get_table_names():
        raise ConfigError("this database has tables that plaint's migrations did not make (an earlier "
                          "development build, or another program's); give plaint a new database")


def draft(engine: Engine, message: str) -> None:
    """Write the next migration from the difference between the models and the database (for
    developers: `python -c 'from plaint.storage.schema import draft; ...'`)."""
    from alembic import command

    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)
