"""The questions an event asks its delegates (the 参会回执), for the secretariat.

* GET /events/<id>/questions: anyone who may see the event (a member fills them in).
* POST /events/<id>/questions, PATCH and DELETE /questions/<id>: the secretariat.
  A question answered already is hidden on DELETE, its answers kept.
"""
import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from ..core.permissions import login_required, secretariat_required
from ..events.models import Event
from ..registrations import question_services
from ..registrations.models import DelegateCategory
from ..registrations.question_models import EventQuestion, QuestionKind
from . import API_PREFIX
from .common import StrictSchema
from .fields import Choice, Text
from .resource import Lookup, operation_for

blp = Blueprint("api_questions", __name__, url_prefix=API_PREFIX, description="Event questions (参会回执)")
operation = operation_for(blp, {
    403: "Not the secretariat",
    404: "No such event or question",
    409: "Too many questions for one event",
    422: "Invalid input, with a message per field",
})

KINDS = [k.value for k in QuestionKind]
CATEGORIES = [c.value for c in DelegateCategory]


class QuestionChoiceSchema(ma.Schema):
    value = ma.fields.String()
    label = ma.fields.String()
    label_en = ma.fields.String(allow_none=True)


class QuestionSchema(ma.Schema):
    id = ma.fields.Integer()
    event_id = ma.fields.Integer()
    key = ma.fields.String(metadata={"description": "The key of the answer in a registration's `answers`"})
    label = ma.fields.String()
    label_en = ma.fields.String(allow_none=True)
    help_text = ma.fields.String(allow_none=True)
    kind = ma.fields.String(metadata={"enum": KINDS})
    format = ma.fields.String(metadata={"enum": ["none", "cn_ric", "cn_uscc"],
                                        "description": "cn_ric: ID card number, masked; cn_uscc: credit code"})
    choices = ma.fields.List(ma.fields.Nested(QuestionChoiceSchema))
    required = ma.fields.Boolean()
    categories = ma.fields.List(ma.fields.String(metadata={"enum": CATEGORIES}),
                                metadata={"description": "Delegate categories asked; empty: everyone"})
    position = ma.fields.Integer()
    preset = ma.fields.String(allow_none=True)


class QuestionWriteSchema(StrictSchema):
    """The values are checked by the service, which names the field of each problem."""

    key = Text(40, metadata={"description": "Lower-case letters, digits and _"})
    label = Text(200)
    label_en = Text(200)
    help_text = Text(500)
    kind = Choice(KINDS, "The kind of answer")
    choices = ma.fields.List(ma.fields.Dict(), metadata={"description": '[{"value", "label", "label_en"}]'})
    required = ma.fields.Raw(metadata={"type": "boolean"})
    categories = ma.fields.List(ma.fields.Raw(), metadata={"description": "Delegate categories; empty: everyone"})
    position = ma.fields.Raw(metadata={"type": "integer"})


class QuestionCreateSchema(QuestionWriteSchema):
    preset = Choice(list(question_services.PRESETS), "Add a preset's questions instead (the other fields are ignored)")


class QuestionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(QuestionSchema))


VISIBLE_EVENT = Lookup(Event, "event_id", can=Event.can_view, refused=404)
QUESTION = Lookup(EventQuestion, "question_id", can=lambda q, user: q.removed_at is None, refused=404)


@blp.route("/events/<int:event_id>/questions", endpoint="questions")
class EventQuestions(MethodView):

    @operation(access=login_required, load=VISIBLE_EVENT, response=QuestionListSchema, errors=(401, 404))
    def get(self, event):
        """The event's questions in their order."""
        return {"items": question_services.questions(event)}

    @operation(access=secretariat_required, load=Lookup(Event, "event_id"), body=QuestionCreateSchema,
               response=QuestionListSchema, status=201, errors=(400, 401, 403, 404, 409))
    def post(self, data, event):
        """Add a question, or with `preset` the preset's questions (secretariat only); the answer lists
        the questions added."""
        if "preset" in data:
            return {"items": question_services.add_preset(event, data["preset"], current_user)}
        return {"items": [question_services.add_question(event, data, current_user)]}


@blp.route("/questions/<int:question_id>", endpoint="question")
class QuestionById(MethodView):

    @operation(access=secretariat_required, load=QUESTION, body=QuestionWriteSchema, response=QuestionSchema,
               errors=(400, 401, 403, 404))
    def patch(self, data, question):
        """Change the fields sent (secretariat only); answers given already are kept."""
        return question_services.update_question(question, data, current_user)

    @operation(access=secretariat_required, load=QUESTION, status=204, errors=(401, 403, 404))
    def delete(self, question):
        """Remove a question (secretariat only); once answered it is hidden and its answers kept."""
        return question_services.remove_question(question, current_user)
