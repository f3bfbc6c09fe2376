"""Demo data: the reference alliance from the coordination-meeting article.
Idempotent: records are looked up by name or email before they are created."""
from datetime import date

from sqlalchemy import select

from ..accounts.models import Role, User
from ..accounts.services import create_user
from ..extensions import db
from ..members.models import MembershipStatus, Organization, OrganizationKind, Tier
from ..members.services import add_contact, submit_application
from ..members.validation import example_uscc as demo_uscc

DEMO_ADMIN_EMAIL = "admin@example.org"
DEMO_STAFF_EMAIL = "staff@example.org"
DEMO_MEMBER_EMAIL = "member@example.org"
DEMO_PASSWORD = "alliance-demo"  # for a local demo only; printed by `make run`

K = OrganizationKind
S = MembershipStatus
T = Tier

# (Chinese name, English name, short name, kind, membership status, tier, credit-code prefix
#  (registration-authority digits + region) or None for a foreign organization, province, city)
ORGANIZATIONS = [
    ("安徽省经济和信息化厅", "Anhui Provincial Department of Economy and Information Technology", "省经信厅",
     K.government_agency, S.non_member, None, "11340000", "安徽省", "合肥市"),
    ("安徽省科学技术厅", "Anhui Provincial Department of Science and Technology", "省科技厅",
     K.government_agency, S.non_member, None, "11340000", "安徽省", "合肥市"),
    ("安徽省生态环境厅", "Anhui Provincial Department of Ecology and Environment", "省生态环境厅",
     K.government_agency, S.non_member, None, "11340000", "安徽省", "合肥市"),
    ("安徽省交通运输厅", "Anhui Provincial Department of Transport", "省交通运输厅",
     K.government_agency, S.non_member, None, "11340000", "安徽省", "合肥市"),
    ("安徽省商务厅", "Anhui Provincial Department of Commerce", "省商务厅",
     K.government_agency, S.non_member, None, "11340000", "安徽省", "合肥市"),
    ("安徽省市场监督管理局", "Anhui Administration for Market Regulation", "省市场监管局",
     K.government_agency, S.non_member, None, "11340000", "安徽省", "合肥市"),
    ("安徽省能源局", "Anhui Energy Administration", "省能源局", K.government_agency, S.non_member, None,
     "11340000", "安徽省", "合肥市"),
    ("合肥新站高新技术产业开发区管理委员会", "Hefei Xinzhan Hi-tech Industrial Development Zone Administration",
     "新站高新区管委会", K.government_agency, S.non_member, None, "11340100", "安徽省", "合肥市"),
    ("安徽省新能源汽车动力蓄电池回收利用产业联盟",
     "Anhui New Energy Vehicle Power Battery Recycling Industry Alliance", "联盟",
     K.association, S.non_member, None, "51340000", "安徽省", "合肥市"),
    ("中国工业节能与清洁生产协会", "China Industrial Energy Conservation and Cleaner Production Association",
     "节能协会", K.association, S.non_member, None, "51100000", "北京市", "北京市"),
    ("合肥国轩高科动力能源有限公司", "Hefei Gotion High-Tech Power Energy Co., Ltd.", "国轩高科",
     K.enterprise, S.active, T.chair, "91340100", "安徽省", "合肥市"),
    ("安徽巡鹰新能源集团有限公司", "Anhui Xunying New Energy Group Co., Ltd.", "巡鹰集团",
     K.enterprise, S.active, T.vice_chair, "91340100", "安徽省", "合肥市"),
    ("安徽巡鹰动力能源科技有限公司", "Anhui Xunying Power Energy Technology Co., Ltd.", "巡鹰动力",
     K.enterprise, S.active, T.executive_director, "91340100", "安徽省", "合肥市"),
    ("安徽绿能技术研究院有限公司", "Anhui Green Energy Technology Research Institute Co., Ltd.", "绿能研究院",
     K.research_institute, S.active, T.director, "91340100", "安徽省", "合肥市"),
    ("合肥工业大学", "Hefei University of Technology", "合工大", K.university, S.active, T.director,
     "12100000", "安徽省", "合肥市"),
    ("中南大学", "Central South University", "中南大学", K.university, S.non_member, None,
     "12100000", "湖南省", "长沙市"),
    ("天奇自动化工程股份有限公司", "Miracle Automation Engineering Co., Ltd.", "天奇股份",
     K.enterprise, S.active, T.member, "91320200", "江苏省", "无锡市"),
    ("武汉格林美动力电池再生技术有限公司", "Wuhan GEM Power Battery Regeneration Technology Co., Ltd.",
     "格林美", K.enterprise, S.active, T.member, "91420100", "湖北省", "武汉市"),
    ("上海蔚来汽车有限公司", "NIO Co., Ltd.", "蔚来汽车", K.enterprise, S.non_member, None,
     "91310000", "上海市", "上海市"),
    ("上海有色网信息科技股份有限公司", "Shanghai Metals Market", "上海有色网", K.other, S.non_member, None,
     "91310000", "上海市", "上海市"),
    ("马来西亚铭赫集团", "Minghe Group (Malaysia)", "铭赫集团", K.enterprise, S.non_member, None,
     None, None, "Kuala Lumpur"),
    ("泽基投资控股集团", "Zeji Investment Holding Group", "泽基投资", K.financial, S.non_member, None,
     "91330000", "浙江省", "杭州市"),
    ("四川长虹润天能源科技有限公司", "Sichuan Changhong Runtian Energy Technology Co., Ltd.", "长虹润天",
     K.enterprise, S.active, T.member, "91510700", "四川省", "绵阳市"),
]

# (organization, name, position, mobile) — people named in the meeting report.
CONTACTS = [
    ("安徽省新能源汽车动力蓄电池回收利用产业联盟", "昝向明", "联盟秘书长", "13800000001"),
    ("合肥国轩高科动力能源有限公司", "徐兴无", "联盟主席、国轩高科工程总院副院长", "13800000002"),
    ("安徽巡鹰新能源集团有限公司", "褚兵", "董事长", "13800000003"),
    ("安徽巡鹰新能源集团有限公司", "褚延鹏", "高级分析师", "13800000004"),
    ("合肥工业大学", "吴玉程", "党委常委、副校长", "13800000005"),
]

# A membership application waiting for the secretariat, to show the approval step.
APPLICANT = ("安徽循环动力电池材料科技有限公司", "91340100", "安徽省", "芜湖市", "陈静", "13800000009",
             "applicant@example.org")


def _organization(name, name_en, short_name, kind, status, tier, code_prefix, province, city):
    org = db.session.scalar(select(Organization).where(Organization.name == name))
    if org is not None:
        return org, False
    org = Organization(name=name, name_en=name_en, short_name=short_name, kind=kind,
                       membership_status=status, tier=tier, province=province, city=city,
                       country="CN" if code_prefix else "MY",
                       uscc=demo_uscc(code_prefix, name) if code_prefix else None,
                       uscc_exempt_reason=None if code_prefix else "境外企业",
                       joined_on=date(2021, 6, 16) if status == S.active else None)
    db.session.add(org)
    return org, True


def _user(email, role, name, organization=None) -> bool:
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return False
    create_user(email, DEMO_PASSWORD, role, name=name,
                organization_id=organization.id if organization else None)
    return True


def load_demo_organizations() -> list[str]:
    created = 0
    by_name = {}
    for row in ORGANIZATIONS:
        org, new = _organization(*row)
        by_name[org.name] = org
        created += new
    db.session.flush()
    users = 0
    users += _user(DEMO_ADMIN_EMAIL, Role.admin, "秘书处管理员")
    users += _user(DEMO_STAFF_EMAIL, Role.staff, "秘书处工作人员")
    users += _user(DEMO_MEMBER_EMAIL, Role.member, "国轩高科联络人", by_name["合肥国轩高科动力能源有限公司"])
    for org_name, person, position, mobile in CONTACTS:
        org = by_name[org_name]
        if not any(c.name == person for c in org.contacts):
            add_contact(org, {"name": person, "position": position, "mobile": mobile})
    name, prefix, province, city, person, mobile, email = APPLICANT
    if db.session.scalar(select(Organization.id).where(Organization.name == name)) is None:
        submit_application({"name": name, "kind": "enterprise", "uscc": demo_uscc(prefix, name),
                            "province": province, "city": city},
                           {"name": person, "mobile": mobile, "position": "总经理"},
                           {"email": email, "password": DEMO_PASSWORD})
    db.session.flush()
    return [
        f"Organizations: {created} created, {len(ORGANIZATIONS) - created} already there.",
        f"Users: {users} created.",
    ]
