"""Demo data: the coordination meeting of the reference article (16 June 2026),
and next year's meeting cloned from it with registration open."""
from datetime import datetime, timedelta

from sqlalchemy import select

from ..events import services as events
from ..events.models import Event, EventStatus, Person
from ..protocol import services as protocol
from ..extensions import db
from ..members.models import Organization
from ..core.timeutil import to_local

MEETING_SLUG = "battery-recycling-2026"
NEXT_SLUG = "battery-recycling-2027"

GUIDING = ["安徽省经济和信息化厅", "安徽省科学技术厅", "安徽省生态环境厅", "安徽省交通运输厅", "安徽省商务厅",
           "安徽省市场监督管理局", "安徽省能源局", "合肥新站高新技术产业开发区管理委员会"]
HOST = ["安徽省新能源汽车动力蓄电池回收利用产业联盟"]
CO_ORGANIZERS = ["安徽巡鹰新能源集团有限公司", "安徽巡鹰动力能源科技有限公司", "安徽绿能技术研究院有限公司"]

# name: (title as printed, organization)
PEOPLE = {
    "王斌": ("合肥新站高新区党工委委员、管委会副主任", "合肥新站高新技术产业开发区管理委员会"),
    "李力": ("中国工业节能与清洁生产协会副会长、新能源汽车动力电池回收利用专业委员会主任", "中国工业节能与清洁生产协会"),
    "程英春": ("安徽省经济和信息化厅党组成员、副厅长", "安徽省经济和信息化厅"),
    "戚军": ("安徽省经济和信息化厅节能处处长", "安徽省经济和信息化厅"),
    "朱珉": ("安徽省经济和信息化厅节能处副处长", "安徽省经济和信息化厅"),
    "吴玉程": ("合肥工业大学党委常委、副校长", "合肥工业大学"),
    "徐兴无": ("联盟主席、国轩高科工程总院副院长", "合肥国轩高科动力能源有限公司"),
    "昝向明": ("联盟秘书长", "安徽省新能源汽车动力蓄电池回收利用产业联盟"),
    "褚兵": ("安徽巡鹰新能源集团有限公司董事长", "安徽巡鹰新能源集团有限公司"),
    "于晓舟": ("中国工业节能与清洁生产协会新能源汽车动力电池回收利用专委会副秘书长", "中国工业节能与清洁生产协会"),
    "褚延鹏": ("安徽巡鹰能源集团有限公司高级分析师", "安徽巡鹰新能源集团有限公司"),
}

DAY = "2026-06-16"
SESSIONS = [
    {"title": "上午 主会场：协调推进会", "start": "09:00", "end": "12:00", "room": "巡鹰集团报告厅",
     "host": "安徽省新能源汽车动力蓄电池回收利用产业联盟",
     "items": [
         ("09:00", "09:10", "opening_remarks", "致辞", "", [("王斌", "speaker")]),
         ("09:10", "09:25", "opening_remarks", "致辞", "", [("李力", "speaker")]),
         ("09:25", "09:40", "progress_report", "通报我省新能源汽车动力蓄电池回收利用试点工作进展情况", "",
          [("朱珉", "speaker")]),
         ("09:40", "10:00", "keynote", "讲话", "", [("程英春", "speaker")]),
         ("10:00", "10:10", "break", "茶歇", "", []),
         ("10:10", "10:50", "panel", "企业交流：新能源后市场发展路径",
          "电池回收技术开发及产业链模式创新；动力电池回收利用市场前景与挑战",
          [("昝向明", "moderator"), ("褚兵", "panelist"), ("徐兴无", "panelist")]),
         ("10:50", "11:20", "expert_lecture", "我国新能源电池回收利用产业布局与发展趋势", "", [("于晓舟", "speaker")]),
         ("11:20", "11:35", "keynote", "未来新能源的产业发展方向", "", [("褚兵", "speaker")]),
         ("11:35", "11:45", "signing_ceremony", "巡鹰集团与合肥工业大学签署战略合作协议", "人才培育、科研攻关",
          [("褚兵", "signatory"), ("吴玉程", "signatory")]),
         ("11:45", "11:55", "unveiling_ceremony", "研究生联合培养基地及先进电池联合实验室揭牌仪式", "",
          [("褚兵", "guest"), ("吴玉程", "guest")]),
     ]},
    {"title": "下午 分论坛：锂电产业链交流会", "start": "14:00", "end": "17:30", "room": "巡鹰集团会议中心",
     "host": "安徽巡鹰新能源集团有限公司",
     "items": [
         ("14:00", "14:30", "keynote", "巡鹰后市场产业发展新模式：“1+N+N”商业模式", "", [("褚延鹏", "speaker")]),
         ("14:30", "16:00", "panel", "行业专家交流与探讨",
          "天奇股份源锂科技、武汉格林美动力电池再生技术有限公司、蔚来汽车、中南大学、上海有色网", []),
         ("16:00", "16:10", "break", "茶歇", "", []),
         ("16:10", "17:00", "signing_ceremony", "集中签约仪式",
          "巡鹰集团与国轩高科、马来西亚铭赫集团、泽基投资控股集团、四川长虹润天能源科技有限公司等16家企业签约",
          [("褚兵", "signatory")]),
         ("17:00", "17:20", "other", "“巡鹰出行”换电业务发布", "", [("褚兵", "speaker")]),
     ]},
]


def _at(day: str, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}")  # local time; services convert to UTC


def _org(name: str) -> Organization:
    return db.session.scalar(select(Organization).where(Organization.name == name))


def _person(name: str) -> Person:
    person = db.session.scalar(select(Person).where(Person.name == name))
    if person is None:
        title, org_name = PEOPLE[name]
        person = events.create_person({"name": name, "title": title, "organization_id": _org(org_name).id})
    return person


# The morning plenary's rostrum, most senior first (the guiding department, the association,
# the university, the zone, the alliance, the host group).
ROSTRUM = ["程英春", "李力", "吴玉程", "王斌", "徐兴无", "昝向明", "褚兵"]


def _seat_the_rostrum(meeting: Event) -> None:
    protocol.set_ranks(meeting, [{"person_id": _person(name).id, "rank": rank}
                                 for rank, name in enumerate(ROSTRUM, start=1)])
    plenary = min(meeting.sessions, key=lambda s: s.starts_at)
    proposal = protocol.propose_rostrum(plenary)
    protocol.save_rostrum(plenary, [[person.id for person in row] for row in proposal["rows"]])


def load_demo_events(now: datetime) -> list[str]:
    if db.session.scalar(select(Event.id).where(Event.slug == MEETING_SLUG)) is not None:
        return ["Events: already there."]
    meeting = events.create_event({
        "slug": MEETING_SLUG, "title": "安徽省新能源汽车动力蓄电池回收利用协调推进会",
        "theme": "共享绿色能源，共赢能源未来", "starts_at": _at(DAY, "08:30"), "ends_at": _at(DAY, "17:30"),
        "venue": "安徽巡鹰新能源集团", "address": "合肥新站高新技术产业开发区", "city": "合肥市",
        "capacity": 320, "registration_opens_at": _at("2026-05-20", "09:00"),
        "registration_closes_at": _at("2026-06-14", "18:00"),
        "description": "来自政府相关职能部门、高等院校、行业协会、专家学者、企业界代表等300余位嘉宾出席。",
    })
    for role, names in (("guiding", GUIDING), ("host", HOST), ("co_organizer", CO_ORGANIZERS)):
        for name in names:
            events.add_organizer(meeting, {"organization_id": _org(name).id, "role": role})
    for spec in SESSIONS:
        session = events.add_session(meeting, {
            "title": spec["title"], "starts_at": _at(DAY, spec["start"]), "ends_at": _at(DAY, spec["end"]),
            "room": spec["room"], "host_organization_id": _org(spec["host"]).id})
        for start, end, kind, title, description, people in spec["items"]:
            item = events.add_item(session, {"starts_at": _at(DAY, start), "ends_at": _at(DAY, end), "kind": kind,
                                             "title": title, "description": description})
            for name, part in people:
                events.add_participant(item, {"person_id": _person(name).id, "part": part})
    _seat_the_rostrum(meeting)
    events.set_event_status(meeting, EventStatus.published)

    # Next year's meeting, built the way the secretariat would: a copy with new dates.
    local_now = to_local(now).replace(tzinfo=None)
    nxt = events.clone_event(meeting, {"title": "2027年安徽省新能源汽车动力蓄电池回收利用协调推进会",
                                       "slug": NEXT_SLUG, "starts_at": _at("2027-06-16", "08:30")})
    events.update_event(nxt, {"registration_opens_at": local_now - timedelta(days=1),
                              "registration_closes_at": _at("2027-06-10", "18:00")})
    events.set_event_status(nxt, EventStatus.published)
    return [f"Events: {meeting.title} and next year's copy created."]
