"""Alembic's entry point: migrations run on the connection plaint hands over, with plaint's models
as the target (so `alembic revision --autogenerate` can draft the next migration)."""

from __future__ import annotations

from alembic import context

from plaint.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through plaint (plaint db upgrade), which provides the connection")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
