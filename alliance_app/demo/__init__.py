"""Demo data: the reference alliance of the coordination-meeting article.

The loaders run in one direction, each using what the one before made:
organizations (and users) → events → registrations → agreements → follow-up → finance (dues, then
fees). Each is
idempotent: records are looked up before they are created."""
from flask import g

from ..core.db import utcnow
from .agreements import load_demo_agreements
from .answers import load_demo_answers
from .events import MEETING_SLUG, NEXT_SLUG, load_demo_events
from .organizations import (DEMO_ADMIN_EMAIL, DEMO_MEMBER_EMAIL, DEMO_PASSWORD, DEMO_STAFF_EMAIL,  # noqa: F401
                            demo_uscc, load_demo_organizations)
from .finance import load_demo_fees, load_demo_finance
from .followup import load_demo_followup
from .registrations import load_demo_registrations


def load_demo_data() -> list[str]:
    g.cli_actor = None
    return (load_demo_organizations() + load_demo_events(utcnow())
            + load_demo_registrations(MEETING_SLUG, NEXT_SLUG) + load_demo_answers(MEETING_SLUG, NEXT_SLUG)
            + load_demo_agreements(MEETING_SLUG, NEXT_SLUG)
            + load_demo_followup(MEETING_SLUG) + load_demo_finance() + load_demo_fees(NEXT_SLUG))
