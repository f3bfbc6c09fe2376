"""The bare reference of `benchmarks/load.py`: Flask and SQLAlchemy Core, one
route that takes the same JSON body as the app's registration POST and writes
it with one INSERT, in a transaction that starts with BEGIN IMMEDIATE on
SQLite (as the app's writes do), on the same database, under the same gunicorn.
No authentication, checks, counters, audit or messages: what is left is the
floor a registration cannot go below.

    gunicorn 'benchmarks.bare_register:create_app()'   (DATABASE_URL from the environment)
"""
import os
from datetime import datetime, timezone

from flask import Flask, jsonify, request
from sqlalchemy import create_engine, event, text

TABLE = ("CREATE TABLE IF NOT EXISTS bare_registrations (id {key}, event_id INTEGER NOT NULL, "
         "name VARCHAR(100) NOT NULL, mobile VARCHAR(30) NOT NULL, category VARCHAR(20) NOT NULL, "
         "position VARCHAR(100), created_at VARCHAR(40) NOT NULL, UNIQUE (event_id, mobile))")
INSERT = text("INSERT INTO bare_registrations (event_id, name, mobile, category, position, created_at) "
              "VALUES (:event_id, :name, :mobile, :category, :position, :created_at) RETURNING id")


def make_engine(url: str, *, served: bool = True):
    """served=False: a plain engine for the benchmark's own process (which has the
    app imported, whose begin hook already applies to every engine)."""
    if not url.startswith("sqlite") or not served:
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def pragmas(dbapi_connection, _record):  # the app's own settings (core/engine.py)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=15000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin_immediate(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_table(engine) -> None:
    key = "INTEGER PRIMARY KEY" if engine.dialect.name == "sqlite" else "SERIAL PRIMARY KEY"
    with engine.begin() as connection:
        connection.execute(text(TABLE.format(key=key)))


def create_app() -> Flask:
    engine = make_engine(os.environ["DATABASE_URL"])
    app = Flask("bare_register")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.post("/api/v1/events/<int:event_id>/registrations")
    def register(event_id):
        data = request.get_json()
        with engine.begin() as connection:
            new_id = connection.execute(INSERT, {
                "event_id": event_id, "name": data["name"], "mobile": data["mobile"],
                "category": data["category"], "position": data.get("position"),
                "created_at": datetime.now(timezone.utc).isoformat()}).scalar_one()
        return jsonify(id=new_id, event_id=event_id, name=data["name"], status="confirmed"), 201

    return app
