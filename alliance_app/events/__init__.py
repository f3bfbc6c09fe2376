"""Conferences: events, organizers, sessions, agenda, speakers, public pages, programme."""
from flask import Blueprint

bp = Blueprint("events", __name__)

from . import admin_views, views  # noqa: E402,F401
