from flask_babel import lazy_gettext as _l

from .models import MessageStatus
from .registry import KINDS

STATUS_LABELS = {
    MessageStatus.queued: _l("Queued"),
    MessageStatus.sent: _l("Sent"),
    MessageStatus.failed: _l("Failed"),
    MessageStatus.not_sent: _l("Not sent (no mail server)"),
}


def kind_label(name: str) -> str:
    kind = KINDS.get(name)
    return str(kind.description) if kind is not None and kind.description else name
