"""Finance pages: the secretariat sets dues, bills members, records payments
and refunds, issues 发票 and follows arrears; members see their balance,
bills, receipts and invoice details. Thin: each calls one service."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.downloads import download_response
from ..core.errors import ServiceError
from ..core.forms import ConfirmForm
from ..core.params import paginate, query_int
from ..core.money import plain
from ..core.permissions import load_for, login_required, member_required, secretariat_required
from ..events.models import Event
from ..extensions import db
from ..members.models import Organization
from ..registrations.labels import CATEGORY_LABELS
from ..registrations.models import DelegateCategory
from . import balances, bp, documents, fees, invoices, services
from .forms import EventFeesForm, GenerateForm, InvoiceDetailsForm, IssueForm, PaymentForm, RateForm, RefundForm
from .labels import (INVOICE_KIND_LABELS, INVOICE_STATUS_LABELS, KIND_LABELS, METHOD_LABELS, STATUS_COLOURS,
                     STATUS_LABELS, TIER_LABELS)
from .models import Bill, BillStatus, InvoiceRequest, InvoiceRequestStatus, Payment

LABELS = dict(kinds=KIND_LABELS, statuses=STATUS_LABELS, status_colours=STATUS_COLOURS, methods=METHOD_LABELS,
              tiers=TIER_LABELS, invoice_kinds=INVOICE_KIND_LABELS, invoice_statuses=INVOICE_STATUS_LABELS)


def _refused(exc: ServiceError, form) -> None:
    rows = form.allocations if hasattr(form, "allocations") else getattr(form, "fees", None)
    for name, messages in list(exc.errors.items()):
        parts = name.split("-")  # allocations-1-amount: the second row's amount
        if rows is not None and len(parts) == 3 and parts[0] == rows.name and parts[1].isdigit() \
                and int(parts[1]) < len(rows.entries):
            target = rows.entries[int(parts[1])][parts[2]]
            target.errors = list(target.errors) + messages
            del exc.errors[name]
    exc.apply_to_form(form)
    if not exc.errors:
        form.form_errors.append(str(exc.message))


def _saved(work, form) -> bool:
    try:
        work()
    except ServiceError as exc:
        db.session.rollback()
        _refused(exc, form)
        return False
    db.session.commit()
    return True


# --- dues --------------------------------------------------------------------------------------------

@bp.route("/admin/finance/dues", methods=["GET", "POST"])
@secretariat_required
def dues():
    year = query_int("year", minimum=2000, maximum=2100) or services.today().year
    rate_form = RateForm(prefix="rate", data={"year": year})
    generate_form = GenerateForm(prefix="gen", data={"year": year, "due_on": f"{year}-03-31"})
    status = 200
    if rate_form.submit.data and rate_form.validate_on_submit():
        if _saved(lambda: services.set_dues_rate(rate_form.year.data, rate_form.tier.data, rate_form.amount.data),
                  rate_form):
            flash(_("The rate is saved."), "success")
            return redirect(url_for("finance.dues", year=rate_form.year.data))
        status = 422
    elif generate_form.submit.data and generate_form.validate_on_submit():
        made = []
        if _saved(lambda: made.extend(services.generate_dues_bills(generate_form.year.data,
                                                                     generate_form.due_on.data, current_user)),
                  generate_form):
            flash(_("%(n)d bills issued and sent to the members' contacts.", n=len(made)), "success")
            return redirect(url_for("finance.bills", year=generate_form.year.data))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("finance/dues.html", year=year, rates=services.dues_rates(year),
                           totals=balances.dues_totals(year), rate_form=rate_form, generate_form=generate_form,
                           **LABELS), status


@bp.route("/admin/finance/bills")
@secretariat_required
def bills():
    query = select(Bill).options(selectinload(Bill.organization)).order_by(Bill.due_on.desc(), Bill.id.desc())
    year = query_int("year", minimum=2000, maximum=2100)
    if year:
        query = query.where(Bill.year == year)
    status = request.args.get("status", "")
    if status in {s.value for s in BillStatus}:
        query = query.where(Bill.status == status)
    org_id = query_int("organization_id")
    if org_id:
        query = query.where(Bill.organization_id == org_id)
    event_id = query_int("event_id")
    if event_id:
        query = query.where(Bill.event_id == event_id)
    page = paginate(query, 50)
    return render_template("finance/bills.html", page=page, year=year, status=status,
                           cancel_form=ConfirmForm(), **LABELS)


@bp.route("/admin/finance/bills/<int:bill_id>/cancel", methods=["POST"])
@secretariat_required
def cancel_bill(bill_id):
    bill = db.get_or_404(Bill, bill_id)
    try:
        services.cancel_bill(bill, request.form.get("reason"), current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(" ".join(m for ms in exc.errors.values() for m in ms) or str(exc.message), "danger")
        return redirect(url_for("finance.bills", organization_id=bill.organization_id))
    db.session.commit()
    flash(_("The bill is cancelled."), "success")
    return redirect(url_for("finance.bills", organization_id=bill.organization_id))


@bp.route("/bills/<int:bill_id>/notice.pdf")
@login_required
def notice_pdf(bill_id):
    bill = load_for(Bill, bill_id, Bill.can_view)
    return download_response(documents.payment_notice_pdf(bill), f"缴费通知-{bill.year}-{bill.id}.pdf",
                             "application/pdf", fallback=f"payment-notice-{bill.year}-{bill.id}.pdf", inline=True)


# --- payments ----------------------------------------------------------------------------------------

def _payment_data(form: PaymentForm) -> dict:
    return {"payer": form.payer.data, "amount": form.amount.data, "method": form.method.data,
            "paid_on": form.paid_on.data, "reference": form.reference.data, "overpayment": form.overpayment.data,
            "allocations": [{"bill_id": row.bill_id.data, "amount": row.amount.data}
                            for row in form.allocations if (row.bill_id.data or "").strip()]}


@bp.route("/admin/finance/payments/new", methods=["GET", "POST"])
@secretariat_required
def record_payment():
    form = PaymentForm()
    bill_id = query_int("bill_id") if request.method == "GET" else None
    bill = db.session.get(Bill, bill_id) if bill_id else None
    if bill is not None and bill.open_fen > 0:
        form.allocations[0].bill_id.data = str(bill.id)
        form.allocations[0].amount.data = f"{bill.open_amount:.2f}"
        form.amount.data = f"{bill.open_amount:.2f}"
        form.payer.data = bill.organization.name if bill.organization else ""
    form.paid_on.data = form.paid_on.data or services.today().isoformat()
    if form.validate_on_submit():
        made = []
        if _saved(lambda: made.append(services.record_payment(_payment_data(form), current_user)), form):
            flash(_("Payment recorded: receipt %(number)s.", number=made[0].receipt_number), "success")
            return redirect(url_for("finance.payment_detail", payment_id=made[0].id))
    status = 422 if request.method == "POST" else 200
    return render_template("finance/payment_form.html", form=form, **LABELS), status


@bp.route("/payments/<int:payment_id>")
@login_required
def payment_detail(payment_id):
    payment = load_for(Payment, payment_id, Payment.can_view)
    invoice = db.session.scalar(select(InvoiceRequest).where(InvoiceRequest.payment_id == payment.id))
    return render_template("finance/payment.html", payment=payment, invoice=invoice, refund_form=RefundForm(),
                           confirm=ConfirmForm(), **LABELS)


@bp.route("/payments/<int:payment_id>/receipt.pdf")
@login_required
def receipt_pdf(payment_id):
    payment = load_for(Payment, payment_id, Payment.can_view)
    return download_response(documents.receipt_pdf(payment), f"收据-{payment.receipt_number}.pdf", "application/pdf",
                             fallback=f"receipt-{payment.receipt_number}.pdf", inline=True)


@bp.route("/admin/finance/payments/<int:payment_id>/refund", methods=["POST"])
@secretariat_required
def refund(payment_id):
    payment = db.get_or_404(Payment, payment_id)
    form = RefundForm()
    if form.validate_on_submit() and _saved(lambda: services.refund(payment, form.data, current_user), form):
        flash(_("The refund is recorded."), "success")
        return redirect(url_for("finance.payment_detail", payment_id=payment.id))
    invoice = db.session.scalar(select(InvoiceRequest).where(InvoiceRequest.payment_id == payment.id))
    return render_template("finance/payment.html", payment=payment, invoice=invoice, refund_form=form,
                           confirm=ConfirmForm(), **LABELS), 422


# --- balances and self-service ---------------------------------------------------------------------

@bp.route("/organizations/<int:org_id>/account")
@login_required
def account(org_id):
    org = load_for(Organization, org_id, Organization.can_view)
    bills, payments = balances.history(org.id)
    return render_template("finance/account.html", org=org, balance=balances.balance(org.id), bills=bills,
                           payments=payments, details=services.invoice_details(org), **LABELS)


@bp.route("/my/account")
@member_required
def my_account():
    return redirect(url_for("finance.account", org_id=current_user.member_organization_id))


@bp.route("/organizations/<int:org_id>/invoice-details", methods=["GET", "POST"])
@login_required
def invoice_details(org_id):
    org = load_for(Organization, org_id, Organization.can_view)
    details = services.invoice_details(org)
    form = InvoiceDetailsForm(obj=details)
    if form.validate_on_submit():
        if _saved(lambda: services.set_invoice_details(org, form.data, current_user), form):
            flash(_("The invoice details are saved."), "success")
            return redirect(url_for("finance.account", org_id=org.id))
    status = 422 if request.method == "POST" else 200
    return render_template("finance/invoice_details.html", org=org, form=form), status


@bp.route("/payments/<int:payment_id>/invoice-request", methods=["POST"])
@login_required
def request_invoice(payment_id):
    payment = load_for(Payment, payment_id, Payment.can_view)
    try:
        invoices.request_invoice(payment, current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(" ".join(m for ms in exc.errors.values() for m in ms) or str(exc.message), "danger")
        return redirect(url_for("finance.payment_detail", payment_id=payment.id))
    db.session.commit()
    flash(_("The 发票 is requested; the secretariat will send it by email."), "success")
    return redirect(url_for("finance.payment_detail", payment_id=payment.id))


@bp.route("/admin/finance/invoices")
@secretariat_required
def invoice_list():
    page = paginate(select(InvoiceRequest).options(selectinload(InvoiceRequest.payment))
                    .order_by(InvoiceRequest.status, InvoiceRequest.id.desc()), 50)
    return render_template("finance/invoices.html", page=page, **LABELS)


@bp.route("/admin/finance/invoices/<int:request_id>/issue", methods=["GET", "POST"])
@secretariat_required
def issue_invoice(request_id):
    invoice = db.get_or_404(InvoiceRequest, request_id)
    form = IssueForm()
    if invoice.status == InvoiceRequestStatus.issued and request.method == "GET":
        form = None
    elif form.validate_on_submit():
        upload = form.file.data
        # One byte over the bound is enough to refuse it; the rest is never read.
        content = upload.read(int(current_app.config["INVOICE_MAX_BYTES"]) + 1) if upload else None
        if _saved(lambda: invoices.issue_invoice(invoice, form.data, content, current_user), form):
            flash(_("The 发票 is issued and sent to %(email)s.", email=invoice.email), "success")
            return redirect(url_for("finance.invoice_list"))
    status = 422 if request.method == "POST" else 200
    return render_template("finance/issue.html", invoice=invoice, form=form, **LABELS), status


# --- arrears -----------------------------------------------------------------------------------------

@bp.route("/admin/finance/arrears")
@secretariat_required
def arrears():
    proposals = {row.id for row in balances.suspension_proposals()}
    return render_template("finance/arrears.html", rows=balances.overdue(), proposals=proposals,
                           confirm=ConfirmForm(), **LABELS)


@bp.route("/admin/finance/arrears/<int:org_id>/suspend", methods=["POST"])
@secretariat_required
def suspend(org_id):
    org = db.get_or_404(Organization, org_id)
    try:
        balances.suspend_for_arrears(org, current_user, request.form.get("reason") or None)
    except ServiceError as exc:
        db.session.rollback()
        flash(" ".join(m for ms in exc.errors.values() for m in ms) or str(exc.message), "danger")
        return redirect(url_for("finance.arrears"))
    db.session.commit()
    flash(_("%(org)s is suspended; the status history records why.", org=org.name), "success")
    return redirect(url_for("finance.arrears"))


# --- bank statement import -------------------------------------------------------------------------

@bp.route("/admin/finance/statements", methods=["GET", "POST"])
@secretariat_required
def statement_import():
    from .forms import StatementForm
    from .statements import read_statement

    form = StatementForm()
    proposals = None
    if form.validate_on_submit():
        try:
            proposals = read_statement(form.file.data)
        except ServiceError as exc:
            _refused(exc, form)
    status = 422 if request.method == "POST" and proposals is None else 200
    return render_template("finance/statement.html", form=form, proposals=proposals, confirm=ConfirmForm(),
                           **LABELS), status


@bp.route("/admin/finance/statements/confirm", methods=["POST"])
@secretariat_required
def statement_confirm():
    import json

    from .statements import confirm_lines

    lines = []
    for key in request.form.getlist("take"):
        try:
            line = json.loads(request.form.get(f"line-{key}", ""))
        except ValueError:
            continue
        if isinstance(line, dict):
            lines.append(line)
    if not lines:
        flash(_("Choose the lines to record."), "warning")
        return redirect(url_for("finance.statement_import"))
    try:
        payments = confirm_lines(lines, current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(" ".join(m for ms in exc.errors.values() for m in ms) or str(exc.message), "danger")
        return redirect(url_for("finance.statement_import"))
    db.session.commit()
    flash(_("%(n)d payments recorded from the statement.", n=len(payments)), "success")
    return redirect(url_for("finance.bills"))


# --- conference fees ---------------------------------------------------------------------------------

CATEGORIES = list(DelegateCategory)


def _fee_rows(event) -> list[dict]:
    current = fees.event_fees(event)
    rows = []
    for category in CATEGORIES:
        fee = current.get(category)
        rows.append({"amount_cny": plain(fee.amount) if fee else "",
                     "early_amount_cny": plain(fee.early_amount) if fee and fee.early_amount is not None else "",
                     "early_until": fee.early_until.isoformat() if fee and fee.early_until else ""})
    return rows


@bp.route("/admin/events/<int:event_id>/fees", methods=["GET", "POST"])
@secretariat_required
def event_fees(event_id):
    """The fee of each delegate category (empty: free), with an early-bird amount and date."""
    event = db.get_or_404(Event, event_id)
    form = EventFeesForm() if request.method == "POST" else EventFeesForm(data={"fees": _fee_rows(event)})
    while len(form.fees.entries) < len(CATEGORIES):
        form.fees.append_entry()
    status = 200
    if form.validate_on_submit():
        # A row's place says its category: the page shows every category in this order.
        rows = [{"category": category.value, **{name: row[name].data for name in
                                                ("amount_cny", "early_amount_cny", "early_until")}}
                for category, row in zip(CATEGORIES, form.fees.entries)]
        if _saved(lambda: fees.set_event_fees(event, rows, current_user), form):
            flash(_("The conference fees are saved. They apply to delegates confirmed from now on."), "success")
            return redirect(url_for("finance.event_fees", event_id=event.id))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("finance/event_fees.html", event=event, form=form,
                           rows=list(zip(CATEGORIES, form.fees.entries)), categories=CATEGORY_LABELS,
                           totals=fees.event_totals(event),
                           bill_form=ConfirmForm(), **LABELS), status


@bp.route("/admin/events/<int:event_id>/fees/bill", methods=["POST"])
@secretariat_required
def bill_event_fees(event_id):
    """Bill the confirmed delegates who have no bill yet (fees set after they were confirmed)."""
    event = db.get_or_404(Event, event_id)
    made = fees.bill_confirmed(event, current_user)
    db.session.commit()
    flash(_("%(n)d bills issued.", n=len(made)) if made else _("Every confirmed delegate who pays has a bill already."),
          "success" if made else "info")
    return redirect(url_for("finance.event_fees", event_id=event.id))
