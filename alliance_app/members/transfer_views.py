"""Export and import of organizations: secretariat only."""
from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from ..core.errors import ServiceError
from ..extensions import db
from ..core.permissions import secretariat_required
from ..core.downloads import download_response
from ..core.spreadsheets import (CSV_MIMETYPE, MAX_IMPORT_ROWS, XLSX_MIMETYPE, Sheet, csv_bytes,
                            read_table, xlsx_bytes)
from . import bp, transfer
from .views import current_filters

PREVIEW_ROWS = 1000  # rows listed on the preview page; the counts cover them all


class ImportForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))],
                     render_kw={"accept": ".xlsx,.csv"},
                     description=_l("An Excel workbook (.xlsx) or a CSV file, at most %(n)d rows.", n=MAX_IMPORT_ROWS))
    submit = SubmitField(_l("Preview the import"))


def _export_names(extension: str) -> tuple[str, str]:
    today = to_user_timezone(datetime.now(timezone.utc)).date().isoformat()
    name = _("Organizations")  # not inside the f-string: Babel would not find it there
    return f"{name}-{today}.{extension}", f"organizations-{today}.{extension}"


@bp.route("/admin/organizations/export.xlsx")
@secretariat_required
def organization_export_xlsx():
    rows = transfer.export_organizations(current_filters())
    data = xlsx_bytes([Sheet(_("Organizations"), transfer.export_header(), rows)])
    filename, fallback = _export_names("xlsx")
    return download_response(data, filename, XLSX_MIMETYPE, fallback=fallback)


@bp.route("/admin/organizations/export.csv")
@secretariat_required
def organization_export_csv():
    data = csv_bytes(transfer.export_header(), transfer.export_organizations(current_filters()))
    filename, fallback = _export_names("csv")
    return download_response(data, filename, CSV_MIMETYPE, fallback=fallback)


@bp.route("/admin/organizations/import/template.xlsx")
@secretariat_required
def organization_import_template():
    data = xlsx_bytes(transfer.template_sheets())
    name = _("Organization import template")
    return download_response(data, f"{name}.xlsx", XLSX_MIMETYPE, fallback="organization-import-template.xlsx")


def _form_page(form, status: int):
    return render_template("members/import.html", form=form), status


@bp.route("/admin/organizations/import", methods=["GET", "POST"])
@secretariat_required
def organization_import():
    form = ImportForm()
    if not form.validate_on_submit():
        return _form_page(form, 422 if request.method == "POST" else 200)
    try:
        table = read_table(form.file.data, transfer.HEADERS, transfer.REQUIRED_COLUMNS,
                           labels={column.field: column.header for column in transfer.COLUMNS})
        preview = transfer.import_preview(table)
    except ServiceError as exc:
        exc.apply_to_form(form)
        return _form_page(form, exc.status)
    batch = transfer.save_batch(preview, current_user)
    db.session.commit()
    return render_template("members/import_preview.html", preview=preview, batch=batch, limit=PREVIEW_ROWS)


@bp.route("/admin/organizations/import/<token>/commit", methods=["POST"])
@secretariat_required
def organization_import_commit(token):
    batch = transfer.load_batch(token, current_user)
    try:
        counts = transfer.import_commit(batch, current_user)
    except ServiceError as exc:
        db.session.rollback()
        form = ImportForm(formdata=None)
        exc.apply_to_form(form)
        return _form_page(form, exc.status)
    db.session.commit()
    flash(_("Import finished: %(new)d organizations added, %(updated)d updated.",
            new=counts["new"], updated=counts["update"]), "success")
    return redirect(url_for("members.organization_list"))
