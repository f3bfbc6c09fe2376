from flask_babel import lazy_gettext as _l

from .models import ReportStatus, Stage

STAGE_LABELS = {
    Stage.signed: _l("Signed"),
    Stage.landed: _l("Landed (registered)"),
    Stage.under_construction: _l("Under construction"),
    Stage.in_operation: _l("In operation"),
    Stage.terminated: _l("Terminated"),
}

REPORT_STATUS_LABELS = {
    ReportStatus.submitted: _l("Waiting for review"),
    ReportStatus.accepted: _l("Accepted"),
    ReportStatus.returned: _l("Returned"),
}

REPORT_STATUS_COLOURS = {ReportStatus.submitted: "warning", ReportStatus.accepted: "success",
                         ReportStatus.returned: "secondary"}
