"""The demo meeting's 参会回执: the preset questions and answers for its
delegates (hotel nights, arrivals at 合肥 by air and rail, diets, ID numbers),
so that the rooming list and the pick-up roster print; next year's meeting
asks the same questions of the members registering now."""
import random
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from stdnum.cn import ric

from ..events.models import Event
from ..extensions import db
from ..registrations import answers, question_services
from ..registrations.models import Registration, RegistrationStatus
from ..registrations.question_models import EventQuestion

PLACES = [("合肥新桥国际机场", "flight", 0.35), ("合肥南站", "train", 0.5), ("合肥站", "train", 0.15)]
AIRLINES = ("CA", "MU", "HU", "ZH", "3U", "CZ")
REGIONS = ("340100", "310104", "110105", "110101", "310101")
DIETS = [("none", 0.84), ("halal", 0.05), ("vegetarian", 0.07), ("other", 0.04)]
OTHER_DIETS = ("不吃辣", "海鲜过敏", "无麸质", "不吃牛羊肉")


def _pick(rng: random.Random, weighted):
    roll, total = rng.random(), 0.0
    for item in weighted:
        total += item[-1]
        if roll < total:
            return item
    return weighted[-1]


def _id_number(rng: random.Random, gender: str) -> str:
    """A well-formed number; stdnum also knows which county codes existed when, so retry until it agrees."""
    while True:
        birth = date(1962, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38))
        sequence = rng.randrange(0, 50) * 2 + (1 if gender == "male" else 0) + 100 * rng.randrange(1, 9)
        body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{sequence:03d}"
        number = body + ric.calc_check_digit(body + "0")  # it ignores the last character (the check digit)
        if ric.is_valid(number):
            return number


def _number(rng: random.Random, mode: str) -> str:
    if mode == "flight":
        return f"{rng.choice(AIRLINES)}{rng.randrange(1000, 9999)}"
    return f"{rng.choice('GGGD')}{rng.randrange(7, 3000)}"


def _travel(rng: random.Random, first_night: date) -> dict:
    place, mode, _weight = _pick(rng, PLACES)
    arrives_day = first_night if rng.random() < 0.8 else first_night + timedelta(days=1)
    hour = rng.randrange(13, 22) if arrives_day == first_night else rng.randrange(6, 9)
    arrival = f"{arrives_day.isoformat()}T{hour:02d}:{rng.choice((0, 10, 20, 30, 40, 50)):02d}"
    leaves_day = first_night + timedelta(days=1 if rng.random() < 0.55 else 2)
    back = rng.choice([p for p in PLACES if p[1] == mode] or PLACES)[0]
    departure = f"{leaves_day.isoformat()}T{rng.randrange(8, 21):02d}:{rng.choice((5, 25, 45)):02d}"
    return {"arrival_at": arrival, "arrival_number": _number(rng, mode), "arrival_place": place,
            "pickup": rng.random() < 0.65, "departure_at": departure, "departure_number": _number(rng, mode),
            "departure_place": back}


def _ask(event: Event, extra_night: bool) -> None:
    for preset in question_services.PRESETS:
        question_services.add_preset(event, preset)
    if extra_night:  # a one-day meeting: many stay the night after it too
        nights = db.session.scalar(select(EventQuestion).where(EventQuestion.event_id == event.id,
                                                               EventQuestion.key == "nights"))
        last = date.fromisoformat(nights.choices[-1]["value"]) + timedelta(days=1)
        question_services.update_question(nights, {"choices": nights.choices + [
            {"value": last.isoformat(), "label": f"{last.month}月{last.day}日", "label_en": last.strftime("%d %b")}]})


def load_demo_answers(meeting_slug: str, next_slug: str) -> list[str]:
    meeting = db.session.scalar(select(Event).where(Event.slug == meeting_slug))
    if meeting is None or db.session.scalar(select(func.count()).select_from(EventQuestion)
                                             .where(EventQuestion.event_id == meeting.id)):
        return ["Registration questions: already there."]
    _ask(meeting, extra_night=True)
    nxt = db.session.scalar(select(Event).where(Event.slug == next_slug))
    if nxt is not None:
        _ask(nxt, extra_night=True)
    questions = question_services.questions(meeting)
    nights = [date.fromisoformat(c["value"]) for c in questions[0].choices]
    rng = random.Random(20260616)
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == meeting.id,
                                   Registration.status != RegistrationStatus.cancelled)
        .options(selectinload(Registration.organization), selectinload(Registration.answers))
        .order_by(Registration.organization_id, Registration.id)).all()
    waiting_for_mate: dict = {}  # organization id -> a colleague sharing a twin room, roommate not found yet
    answered = 0
    for registration in registrations:
        gender = "male" if rng.random() < 0.72 else "female"
        given: dict = {"gender": gender, "diet": _pick(rng, DIETS)[0]}
        if given["diet"] == "other":
            given["diet_other"] = rng.choice(OTHER_DIETS)
        local = registration.category.value in ("government", "association") and rng.random() < 0.5
        if not local and rng.random() < 0.85:
            stay = nights[:2] if rng.random() < 0.55 else nights[:1]
            room = _pick(rng, [("single", 0.35), ("twin", 0.2), ("twin_shared", 0.45)])[0]
            given.update(nights=[n.isoformat() for n in stay], room_type=room, id_number=_id_number(rng, gender))
            if room == "twin_shared":
                key = (registration.organization_id, gender)
                mate = waiting_for_mate.pop(key, None)
                if mate is None:
                    waiting_for_mate[key] = registration
                else:
                    given["roommate"] = mate.name
            given.update(_travel(rng, stay[0]))
        if registration.organization is not None and registration.organization.uscc and rng.random() < 0.6:
            given.update(invoice_title=registration.organization.name, invoice_tax_id=registration.organization.uscc)
        cleaned, problems = answers.clean_answers(questions, registration.category, given)
        if problems:  # the demo's own data: a mistake here is a bug in this loader
            raise ValueError(f"demo answers for {registration.name}: {dict(problems)}")
        answers.store_answers(registration, cleaned)
        answered += 1
    db.session.flush()
    return [f"Registration questions: the presets for {meeting.title} and next year's; answers of {answered} "
            f"delegates."]
