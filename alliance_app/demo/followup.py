"""Demo follow-up: the reference meeting's agreements half a year on. Most
partners have reported and the secretariat accepted: some landed, a few under
construction or in operation, one terminated; one report waits for review and
one partner has not reported (overdue under a quarterly schedule whose last due
date is two months before today, so it stays overdue whenever the demo is loaded)."""
from datetime import timedelta

from sqlalchemy import func, select

from ..accounts.models import Role, User
from ..agreements.models import Agreement, AgreementParty, AgreementStatus
from ..core.db import utcnow
from ..core.timeutil import to_local
from ..events.models import Event
from ..extensions import db
from ..followup import reminders, services
from ..followup.models import ProgressReport
from ..members.models import Organization
from .organizations import DEMO_MEMBER_EMAIL

# partner → (stage, invested to date in yuan, date the stage was reached, what happened, problems, reason, accepted)
PROGRESS = {
    "合肥国轩高科动力能源有限公司": ("under_construction", "2.1亿", "2026-10-18",
                           "后市场服务中心主体结构施工中，材料输出首批订单已交付。", "需协调施工用电增容。", None, True),
    "马来西亚铭赫集团": ("landed", "6000万", "2026-08-20", "合资公司已在合肥注册，储能项目完成备案。", None, None, True),
    "泽基投资控股集团": ("under_construction", "1.8亿", "2026-09-28", "首批20座换电站开工建设。", None, None, True),
    "四川长虹润天能源科技有限公司": ("landed", "8000万", "2026-08-05", "项目公司注册完成，厂房租赁合同已签。", None, None, True),
    "安徽中科储能科技有限公司": ("under_construction", "1.2亿", "2026-10-09", "储能电站一期开工。",
                          "并网接入方案待电网公司批复。", None, True),
    "合肥恒达锂电材料有限公司": ("in_operation", "2亿", "2026-11-20", "正极材料产线投产，首月供货3000吨。", None, None, True),
    "芜湖循环新能源有限公司": ("landed", "5000万", "2026-09-15", "回收项目完成注册和环评公示。", None, None, True),
    "滁州绿源电池回收有限公司": ("signed", "0", None, "选址比选中，尚未注册。", "需协助落实工业用地指标。", None, True),
    "马鞍山金源材料科技有限公司": ("terminated", "0", "2026-10-30", "双方协商终止合作。", None,
                           "合作方调整投资计划，项目不再实施。", True),
    "安庆储能电站运营有限公司": ("landed", "3000万", "2026-09-01", "运营公司完成注册。", None, None, True),
    "蚌埠换电出行科技有限公司": ("under_construction", "6000万", "2026-10-25", "换电站建设进行中。", None, None, True),
    "宣城新材料股份有限公司": ("landed", "2000万", "2026-08-28", "联合研发中心挂牌。", None, None, True),
    "六安动力电池梯次利用有限公司": ("in_operation", "9000万", "2026-11-10", "梯次利用产线达产。", None, None, True),
    "淮南锂业科技有限公司": ("landed", "1500万", "2026-11-25", "项目公司注册完成，等待秘书处审核。", None, None, False),
    # 铜陵有色再生资源有限公司: no report — the overdue one.
    "黄山智慧能源有限公司": ("landed", "1000万", "2026-09-12", "智慧能源平台项目完成立项。", None, None, True),
}


def load_demo_followup(meeting_slug: str) -> list[str]:
    meeting = db.session.scalar(select(Event).where(Event.slug == meeting_slug))
    if meeting is None or db.session.scalar(select(func.count()).select_from(ProgressReport)):
        return ["Follow-up: already there."]
    staff = db.session.scalar(select(User).where(User.role == Role.staff).order_by(User.id))
    member = db.session.scalar(select(User).where(User.email == DEMO_MEMBER_EMAIL))
    today = to_local(utcnow()).date()
    reminders.set_schedule(meeting, {"first_due": (today - timedelta(days=60)).isoformat(), "interval_months": 3,
                                     "remind_days": 14}, staff)
    reported = accepted = 0
    for partner, (stage, invested, stage_on, note, problems, reason, accept) in PROGRESS.items():
        agreement = db.session.scalar(
            select(Agreement).join(AgreementParty, AgreementParty.agreement_id == Agreement.id)
            .join(Organization, Organization.id == AgreementParty.organization_id)
            .where(Agreement.event_id == meeting.id, Agreement.status == AgreementStatus.signed,
                   Organization.name == partner))
        if agreement is None:
            continue
        # The member's own representative reports for its organization; the secretariat for the others.
        actor = member if member is not None and member.organization_id in {
            p.organization_id for p in agreement.parties} else staff
        report = services.submit_report(agreement, {"stage": stage, "invested_cny": invested, "stage_on": stage_on,
                                                    "note": note, "problems": problems, "reason": reason}, [], actor)
        reported += 1
        if accept:
            services.accept_report(report, staff)
            accepted += 1
    return [f"Follow-up: {reported} progress reports on {meeting.title} ({accepted} accepted), quarterly schedule."]
