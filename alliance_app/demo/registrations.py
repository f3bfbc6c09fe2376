"""Demo delegates: about 300 for the reference meeting, most of them checked in,
and a few for next year's meeting, whose registration is open."""
import random

from sqlalchemy import func, select

from ..accounts.models import Role, User
from ..events.models import Event
from ..extensions import db
from ..members.models import Organization, OrganizationKind
from ..protocol import hall
from ..registrations import services
from ..registrations.models import Registration

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建红飞晨雪琳宇浩凯婷欣悦然博文斌俊亮峰鑫磊佳倩"
POSITIONS = {
    "government": ["处长", "副处长", "调研员", "主任科员"],
    "university": ["教授", "副教授", "研究员", "博士研究生"],
    "association": ["秘书长", "副秘书长", "部长"],
    "expert": ["高级工程师", "首席专家", "分析师"],
    "enterprise": ["董事长", "总经理", "副总经理", "技术总监", "销售经理", "工程师", "采购经理"],
    "media": ["记者", "编辑"],
}
MIX = [("enterprise", 205), ("government", 35), ("university", 22), ("association", 14), ("expert", 14),
       ("media", 12)]
HALL_ZONES = [{"name": "贵宾区", "kind": "vip", "rows": 4, "seats": 16},
              {"name": "媒体区", "kind": "media", "rows": 1, "seats": 12},
              {"name": "代表区", "kind": "general", "rows": 16, "seats": 20}]
KIND_FOR = {"government": OrganizationKind.government_agency, "university": OrganizationKind.university,
            "association": OrganizationKind.association}


def _name(rng: random.Random, used: set) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in used:
            used.add(name)
            return name


def load_demo_registrations(meeting_slug: str, next_slug: str) -> list[str]:
    meeting = db.session.scalar(select(Event).where(Event.slug == meeting_slug))
    if meeting is None or db.session.scalar(select(func.count()).select_from(Registration)
                                             .where(Registration.event_id == meeting.id)):
        return ["Registrations: already there."]
    staff = db.session.scalar(select(User).where(User.role == Role.staff).order_by(User.id))
    orgs = db.session.scalars(select(Organization).order_by(Organization.id)).all()
    by_kind = {kind: [o for o in orgs if o.kind == kind] for kind in OrganizationKind}
    companies = by_kind[OrganizationKind.enterprise] + by_kind[OrganizationKind.research_institute] + \
        by_kind[OrganizationKind.financial]
    rng = random.Random(20260616)
    used: set = set()
    number = 0
    sessions = [s.id for s in meeting.sessions]
    for category, count in MIX:
        for _ in range(count):
            number += 1
            pool = by_kind.get(KIND_FOR.get(category)) if category in KIND_FOR else companies
            org = rng.choice(pool) if pool and category not in ("expert", "media") else None
            wanted = sessions if rng.random() < 0.6 else sessions[:1]
            registration = services.register(meeting, {
                "name": _name(rng, used), "position": rng.choice(POSITIONS[category]),
                "mobile": f"1390000{number:04d}", "category": category, "session_ids": wanted,
            }, staff, organization_id=org.id if org else None)
            if rng.random() < 0.88:
                services.check_in(registration, staff)
    # The morning plenary's hall: leaders in front, the media to one side, the companies together.
    plenary = meeting.sessions[0]
    hall.set_zones(plenary, HALL_ZONES)
    hall_result = hall.assign_by_rule(plenary)
    nxt = db.session.scalar(select(Event).where(Event.slug == next_slug))
    member_orgs = [o for o in orgs if o.is_member]
    for n in range(24):
        org = member_orgs[n % len(member_orgs)]
        services.register(nxt, {"name": _name(rng, used), "position": rng.choice(POSITIONS["enterprise"]),
                                "mobile": f"1370000{n:04d}", "category": "enterprise",
                                "session_ids": [s.id for s in nxt.sessions]}, staff, organization_id=org.id)
    return [f"Registrations: {number} for {meeting.title} ({meeting.seats_taken} seated), 24 for next year.",
            f"Hall seating: {hall_result.seated} seats given in {plenary.title}."]
