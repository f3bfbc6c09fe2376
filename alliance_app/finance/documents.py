"""The payment notice (缴费通知) of a bill and the receipt (收据) of a payment:
A4, Chinese, the amount in figures and in 大写 (core/money.capital, the
helper agreements print with). Builders take domain objects, return bytes."""
from flask import current_app
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from ..core.money import capital, from_fen, grouped
from ..pdf.document import FRAME_WIDTH, build_pdf, escape, para, styles
from ..pdf.tables import GRID, HEADER_BACKGROUND, table_style
from .models import Bill, BillKind, Payment, PaymentMethod

METHOD_NAMES = {PaymentMethod.bank_transfer: "银行转账", PaymentMethod.cash: "现金", PaymentMethod.other: "其他"}


def _grid(rows, widths):
    s = styles()
    cells = [[para(label, s["cell"]), value if isinstance(value, Paragraph) else para(value, s["cell"])]
             for label, value in rows]
    table = Table(cells, colWidths=widths)
    table.setStyle(table_style([("GRID", (0, 0), (-1, -1), 0.6, GRID),
                                ("BACKGROUND", (0, 0), (0, -1), HEADER_BACKGROUND),
                                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    return table


def _payee() -> str:
    config = current_app.config
    return config.get("SECRETARIAT_NAME") or config["FINANCE_PAYEE_NAME"]


def _grounds(bill: Bill) -> str:
    return "根据会议通知及会务费标准" if bill.kind == BillKind.event_fee else "根据联盟章程及会费标准"


def payment_notice_pdf(bill: Bill) -> bytes:
    s = styles()
    config = current_app.config
    org = bill.organization
    open_amount = bill.open_amount
    story = [Paragraph(escape(_payee()), s["subtitle"]), Paragraph("缴 费 通 知", s["title"]),
             Paragraph(f"编号：{bill.year}-{bill.id:06d}", s["small"]), Spacer(1, 4 * mm),
             para(f"{org.name if org else ''}：", s["body"]),
             para(f"　　{_grounds(bill)}，请贵单位于 {bill.due_on.year} 年 {bill.due_on.month} 月 "
                  f"{bill.due_on.day} 日前缴纳以下款项。转账时请在附言中注明缴费通知编号。", s["body"]),
             Spacer(1, 4 * mm)]
    rows = [("缴费单位", org.name if org else ""), ("统一社会信用代码", (org.uscc or "") if org else ""),
            ("缴费项目", bill.title), ("应缴金额（小写）", f"¥{grouped(bill.amount)}"),
            ("应缴金额（大写）", capital(bill.amount))]
    if bill.paid_fen:
        rows += [("已缴金额", f"¥{grouped(bill.paid_amount)}"), ("尚欠金额（大写）", capital(open_amount))]
    rows.append(("缴费截止日期", bill.due_on.isoformat()))
    story.append(_grid(rows, [42 * mm, FRAME_WIDTH - 42 * mm]))
    story += [Spacer(1, 6 * mm), Paragraph("收款账户", s["subheading"]),
              _grid([("户名", config["FINANCE_PAYEE_NAME"]), ("开户银行", config["FINANCE_BANK_NAME"]),
                     ("账号", config["FINANCE_BANK_ACCOUNT"]), ("附言", f"{bill.year}-{bill.id:06d}")],
                    [42 * mm, FRAME_WIDTH - 42 * mm]),
              Spacer(1, 10 * mm), para(_payee() + "　秘书处", s["body"])]
    return build_pdf(story, title=f"缴费通知 {bill.year}-{bill.id:06d}", subject=bill.title)


def receipt_pdf(payment: Payment) -> bytes:
    s = styles()
    story = [Paragraph(escape(_payee()), s["subtitle"]), Paragraph("收　　据", s["title"]),
             Paragraph(f"No. {escape(payment.receipt_number)}", s["small"]), Spacer(1, 4 * mm)]
    items = "；".join(f"{a.bill.title}（{grouped(a.amount)}元）" for a in payment.allocations) or "预收款"
    rows = [("交款单位/人", payment.payer),
            ("统一社会信用代码", (payment.organization.uscc or "") if payment.organization else ""),
            ("收款事由", items), ("金额（小写）", f"¥{grouped(payment.amount)}"),
            ("金额（大写）", capital(payment.amount)), ("收款方式", METHOD_NAMES[payment.method]),
            ("交款日期", payment.paid_on.isoformat()), ("参考号", payment.reference or "")]
    if payment.refunded_fen:
        rows.append(("已退款", f"¥{grouped(from_fen(payment.refunded_fen))}"))
    story.append(_grid(rows, [42 * mm, FRAME_WIDTH - 42 * mm]))
    story += [Spacer(1, 10 * mm),
              Table([[para("收款单位（盖章）：" + _payee(), s["body"]), para("经办人：", s["body"])]],
                    colWidths=[FRAME_WIDTH * 0.65, FRAME_WIDTH * 0.35], style=table_style([])),
              Spacer(1, 4 * mm), para("本收据不作为税务发票；如需发票，请在自助服务中提交开票信息。", s["small"])]
    return build_pdf(story, title=f"收据 {payment.receipt_number}", subject=payment.payer)
