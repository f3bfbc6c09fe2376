"""Demo agreements of the reference meeting: the university partnership (no
amount), and the sixteen companies of the closing ceremony — the named ones
(国轩高科, 马来西亚铭赫集团, 泽基投资, 长虹润天) plus illustrative partners — with
amounts that add up to more than 3.5 billion yuan, as reported; and two
agreements in preparation for next year's meeting."""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..accounts.models import Role, User
from ..agreements import services, signing_record
from ..agreements.models import Agreement
from .organizations import demo_uscc
from ..events.models import AgendaKind, Event
from ..extensions import db
from ..members.models import MembershipStatus, Organization, OrganizationKind

XUNYING = "安徽巡鹰新能源集团有限公司"
# Illustrative partners (the article names only some of the sixteen companies).
PARTNERS = ["安徽中科储能科技有限公司", "合肥恒达锂电材料有限公司", "芜湖循环新能源有限公司", "滁州绿源电池回收有限公司",
            "马鞍山金源材料科技有限公司", "安庆储能电站运营有限公司", "蚌埠换电出行科技有限公司", "宣城新材料股份有限公司",
            "六安动力电池梯次利用有限公司", "淮南锂业科技有限公司", "铜陵有色再生资源有限公司", "黄山智慧能源有限公司"]

# (partner, title, kind, sectors, amount, currency, rate)
CLOSING = [
    ("合肥国轩高科动力能源有限公司", "后市场与材料输出业务合作协议", "business_cooperation", ["aftermarket", "materials"],
     "6亿", "CNY", None),
    ("马来西亚铭赫集团", "储能业务战略合作协议", "strategic_cooperation", ["energy_storage"], "8000万", "USD", "7.1"),
    ("泽基投资控股集团", "“巡鹰出行”换电业务投资合作协议", "investment", ["battery_swap"], "5亿", "CNY", None),
    ("四川长虹润天能源科技有限公司", "储能系统战略合作协议", "strategic_cooperation", ["energy_storage", "materials"],
     "3.2亿", "CNY", None),
] + [(name, title, kind, sectors, amount, "CNY", None) for name, (title, kind, sectors, amount) in zip(PARTNERS, [
    ("储能电站建设合作协议", "business_cooperation", ["energy_storage"], "2.5亿"),
    ("正极材料供应合作协议", "procurement", ["materials"], "2.2亿"),
    ("动力电池回收利用合作协议", "strategic_cooperation", ["recycling"], "2亿"),
    ("退役电池回收合作协议", "business_cooperation", ["recycling", "aftermarket"], "1.8亿"),
    ("再生材料合作协议", "business_cooperation", ["materials", "recycling"], "1.6亿"),
    ("储能运营合作协议", "strategic_cooperation", ["energy_storage"], "1.5亿"),
    ("换电站建设合作协议", "business_cooperation", ["battery_swap"], "1.2亿"),
    ("新材料研发合作协议", "research_cooperation", ["materials", "talent_research"], "1亿"),
    ("梯次利用合作协议", "business_cooperation", ["aftermarket"], "9000万"),
    ("锂资源合作协议", "procurement", ["materials"], "8000万"),
    ("再生资源利用合作协议", "strategic_cooperation", ["recycling"], "6000万"),
    ("智慧能源合作协议", "strategic_cooperation", ["energy_storage", "other"], "5000万"),
])]


def _org(name: str) -> Organization:
    org = db.session.scalar(select(Organization).where(Organization.name == name))
    if org is None:
        org = Organization(name=name, kind=OrganizationKind.enterprise, membership_status=MembershipStatus.non_member,
                           uscc=demo_uscc("91340000", name), province="安徽省",
                           notes="演示数据：示意性合作单位")
        db.session.add(org)
        db.session.flush()
    return org




# Signed during the meeting but not at its ceremony (场外签约).
ELSEWHERE = {"锂资源合作协议", "智慧能源合作协议"}


def load_demo_agreements(meeting_slug: str, next_slug: str) -> list[str]:
    meeting = db.session.scalar(select(Event).where(Event.slug == meeting_slug))
    if meeting is None or db.session.scalar(select(func.count()).select_from(Agreement)):
        return ["Agreements: already there."]
    staff = db.session.scalar(select(User).where(User.role == Role.staff).order_by(User.id))
    xunying = _org(XUNYING)
    items = [i for s in meeting.sessions for i in s.items if i.kind == AgendaKind.signing_ceremony]
    morning, closing = items[0], items[-1]

    def make(partner, title, kind, sectors, amount, currency, rate, item, order, signed_at, event=meeting,
             disclosed=True, checked=True, record=None):
        elsewhere = title in ELSEWHERE
        data = {"title": title, "kind": kind, "sectors": sectors, "event_id": event.id,
                "signing_venue": "elsewhere" if elsewhere else "ceremony",
                "agenda_item_id": item.id if item and not elsewhere else None,
                "ceremony_order": None if elsewhere else order, "place": "合肥市",
                "amount_disclosed": disclosed, "amount": amount if disclosed else None, "currency": currency,
                "fx_rate_to_cny": rate, "term_start": "2026-06-16", "term_end": "2029-06-15",
                "parties": [{"organization_id": xunying.id, "signatory_name": "褚兵", "signatory_title": "董事长"},
                            {"organization_id": _org(partner).id}]}
        agreement = services.create_agreement(data, staff)
        if checked:
            services.mark_ready(agreement, staff)
        if record:
            signing_record.set_signing_record(agreement, record(agreement), staff)
        if signed_at:
            services.sign(agreement, staff, signed_at)
        return agreement

    def morning_record(agreement):
        """The signers as the agenda has them, with a witness and the assistants (the signing record)."""
        people = {person.name: person.id for person in signing_record.signing_participants(agreement)}
        return {"signers": [{"organization_id": party.organization_id, "person_id": people.get(name), "name": name,
                             "title": title}
                            for party, (name, title) in zip(agreement.parties, (("褚兵", "董事长"), ("吴玉程", "校长")))],
                "witnesses": [{"name": "张理事长", "title": "联盟理事长"}],
                "assistants": [{"name": "李晓", "title": "董事长办公室主任",
                                "organization_id": agreement.parties[0].organization_id},
                               {"name": "陈静", "title": "校长办公室主任",
                                "organization_id": agreement.parties[1].organization_id}]}

    make("合肥工业大学", "战略合作协议（研究生联合培养基地及先进电池联合实验室）", "research_cooperation",
         ["talent_research"], None, "CNY", None, morning, 1, "2026-06-16T11:40:00+08:00", disclosed=False,
         record=morning_record)
    start = datetime(2026, 6, 16, 16, 12)
    for order, row in enumerate(CLOSING, start=1):
        moment = (start + timedelta(minutes=3 * order)).isoformat() + "+08:00"
        make(*row, closing, order + 1, moment)
    nxt = db.session.scalar(select(Event).where(Event.slug == next_slug))
    ready = make("天奇自动化工程股份有限公司", "电池拆解自动化产线合作协议", "business_cooperation", ["recycling"], "2亿",
                 "CNY", None, None, 1, None, event=nxt)
    drafted = make("武汉格林美动力电池再生技术有限公司", "再生材料长期供应协议", "procurement", ["materials"], "1.5亿",
                   "CNY", None, None, 2, None, event=nxt, checked=False)
    return [f"Agreements: {len(CLOSING) + 1} signed at {meeting.title}, 2 in preparation ({ready.number}, "
            f"{drafted.number})."]
