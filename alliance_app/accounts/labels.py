"""How each role is called where a person's name is not shown."""
from flask_babel import lazy_gettext as _l

from .models import Role

ROLE_LABELS = {
    Role.staff: _l("Secretariat staff"),
    Role.admin: _l("Secretariat administrator"),
    Role.member: _l("Member representative"),
}
