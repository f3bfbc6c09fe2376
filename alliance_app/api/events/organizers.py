"""The organizers of an event, in the conventional order of their roles."""
from flask.views import MethodView
from flask_login import current_user

from ...core.permissions import secretariat_required
from ...events import services
from ...events.models import Event, EventOrganizer
from ..common import StrictSchema
from ..fields import Choice, Id
from ..resource import Lookup, anyone
from . import EVENT_LOAD, HIDDEN_EVENT, blp, operation, visible_event
from .schemas import ROLES, OrganizerSchema


class OrganizerCreateSchema(StrictSchema):
    organization_id = Id("An organization of the directory", required=True)
    role = Choice(ROLES, "The organizer's role", required=True)


@blp.route("/events/<int:event_id>/organizers", endpoint="organizers")
class EventOrganizers(MethodView):

    @operation(access=anyone, load=visible_event(EVENT_LOAD[:1]), response=OrganizerSchema(many=True),
               errors=(401, HIDDEN_EVENT))
    def get(self, event):
        """The event's organizers in the conventional order; no token needed
        for a published event."""
        return event.organizers

    @operation(access=secretariat_required, load=Lookup(Event, "event_id"), body=OrganizerCreateSchema,
               response=OrganizerSchema, status=201, errors=(400, 401, 403, 404, 409))
    def post(self, data, event):
        """Add an organizer (secretariat only), last in its role. The same
        organization twice in one role is 409."""
        return services.add_organizer(event, data, current_user)


@blp.route("/organizers/<int:organizer_id>", endpoint="organizer")
class OrganizerById(MethodView):

    @operation(access=secretariat_required, load=Lookup(EventOrganizer, "organizer_id"), status=204,
               errors=(401, 403, 404))
    def delete(self, organizer):
        """Remove an organizer from its event (secretariat only); the organization stays."""
        return services.remove_organizer(organizer, current_user)
