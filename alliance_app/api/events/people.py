"""The people who speak at events and take part in them (secretariat only:
their details are about private individuals)."""
import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...core.permissions import secretariat_required
from ...events import services
from ...events.models import Person
from ..common import PageArgsSchema, StrictSchema, paginated
from ..fields import Id, Text, no_control_characters, one_of
from ..resource import Lookup
from . import blp, operation
from .schemas import PersonPageSchema, PersonSchema


class PersonListArgsSchema(PageArgsSchema):
    q = Text(100, allow_none=False, validate=no_control_characters,
             metadata={"description": "Part of the name"})
    order = ma.fields.String(load_default="name", validate=one_of(("name", "strokes")),
                             metadata={"description": "name, or strokes: by surname stroke order (姓氏笔画)"})


class PersonWriteSchema(StrictSchema):
    name = Text(100, allow_none=False)
    title = Text(300, metadata={"description": "As printed on the programme, e.g. 副会长"})
    organization_id = Id("The person's organization, if it is in the directory", allow_none=True)
    bio = Text(5000)


class PersonCreateSchema(PersonWriteSchema):
    name = Text(100, required=True, allow_none=False)


PERSON = Lookup(Person, "person_id")


@blp.route("/people", endpoint="people")
class People(MethodView):

    @operation(access=secretariat_required, query=PersonListArgsSchema, response=PersonPageSchema,
               errors=(401, 403))
    def get(self, args):
        """Speakers and guests by name, paginated (secretariat only: their
        details are about private individuals; the public sees speakers
        through published events)."""
        order = (Person.stroke_key,) if args["order"] == "strokes" else (Person.name,)
        query = select(Person).options(selectinload(Person.organization)).order_by(*order, Person.id)
        if args.get("q"):
            query = query.where(Person.name.contains(args["q"], autoescape=True))
        return paginated(query, args["page"], args["per_page"])

    @operation(access=secretariat_required, body=PersonCreateSchema, response=PersonSchema, status=201,
               location=lambda person: url_for("api_events.person", person_id=person.id),
               errors=(400, 401, 403))
    def post(self, data):
        """Add a person (secretariat only), to be put on agenda items of any event."""
        return services.create_person(data, current_user)


@blp.route("/people/<int:person_id>", endpoint="person")
class PersonById(MethodView):

    @operation(access=secretariat_required, load=PERSON, response=PersonSchema, errors=(401, 403, 404))
    def get(self, person):
        """One person (secretariat only)."""
        return person

    @operation(access=secretariat_required, load=PERSON, body=PersonWriteSchema, response=PersonSchema,
               errors=(400, 401, 403, 404))
    def patch(self, data, person):
        """Change the fields sent (secretariat only); every event showing the
        person shows the change."""
        return services.update_person(person, data, current_user)
