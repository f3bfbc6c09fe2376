"""The signing record and one original per party (issue 17 items 4 and 5):
who signed for each party (typed or one of the agenda's signing participants),
the witness leaders and the signing assistants, printed in the signature
blocks and the ceremony pack; each party's original (正本) with its name first
on the cover and its signature block first, archived with its own hash."""
import hashlib
from datetime import datetime

import pytest
from sqlalchemy import select

from alliance_app.agreements import archive, documents, services, signing_record
from alliance_app.agreements.models import AgreementArchive, AgreementStatus
from alliance_app.core.errors import ServiceError
from alliance_app.events import services as event_services

from . import factories
from .conftest import login
from .pdfs import language, pdf_pages, squash
from .test_agreement_documents import assert_in_order, make, signed  # noqa: F401
from .test_agreement_documents import orgs  # noqa: F401 (a fixture)


@pytest.fixture
def agreement(app, people, orgs, db):  # noqa: F811
    agreement = make(app, people.staff, [(orgs["xunying"], "褚兵", "董事长"), (orgs["hfut"], "吴玉程", "副校长"),
                                         (orgs["gotion"], None, None)],
                     "安徽巡鹰新能源集团有限公司与合肥工业大学战略合作协议")
    with language(app):
        services.mark_ready(agreement, people.staff)
    db.session.commit()
    return agreement


def record_of(orgs, **overrides):
    data = {
        "signers": [{"organization_id": orgs["xunying"].id, "name": "褚兵", "title": "董事长"},
                    {"organization_id": orgs["hfut"].id, "name": "吴玉程", "title": "校长"},
                    {"organization_id": orgs["gotion"].id, "name": "李缜", "title": "董事长"}],
        "witnesses": [{"name": "王清宪", "title": "省委副书记、省长"}, {"name": "袁飞", "title": "合肥市市长"}],
        "assistants": [{"name": "张助理", "title": "办公室主任", "organization_id": orgs["hfut"].id},
                       {"name": "秘书处干事", "title": None}],
    }
    data.update(overrides)
    return data


def text_of(data: bytes) -> str:
    return squash("".join(pdf_pages(data)))


def page_texts(data: bytes) -> list[str]:
    """Each page's text without the watermark's words in the margin."""
    return [squash(page).removeprefix("草稿/DRAFT") for page in pdf_pages(data)]


def marks(data: bytes) -> list[str]:
    """The 正本 mark that heads each page that has one (a cover, an agreement's first page)."""
    return [page[:7] for page in page_texts(data) if page.startswith("正本（")]


# --- the signing record: the service -------------------------------------------------------------

def test_signing_record_is_kept_and_the_agreement_stays_ready(app, people, orgs, agreement, db):
    with language(app):
        signing_record.set_signing_record(agreement, record_of(orgs), people.staff)
    db.session.commit()
    assert agreement.status == AgreementStatus.ready  # the text did not change: no new check needed
    assert [(p.signatory_name, p.signatory_title) for p in agreement.parties] == [
        ("褚兵", "董事长"), ("吴玉程", "校长"), ("李缜", "董事长")]
    assert [(w.name, w.title) for w in agreement.witnesses] == [("王清宪", "省委副书记、省长"), ("袁飞", "合肥市市长")]
    assert [(a.name, a.organization_id) for a in agreement.assistants] == [("张助理", orgs["hfut"].id),
                                                                            ("秘书处干事", None)]
    # A new record replaces the old one: a party left out has no signer any more.
    with language(app):
        signing_record.set_signing_record(agreement, {"signers": [{"organization_id": orgs["hfut"].id, "name": "刘校长"}]},
                                    people.staff)
    db.session.commit()
    assert [p.signatory_name for p in agreement.parties] == [None, "刘校长", None]
    assert agreement.witnesses == [] and agreement.assistants == []


@pytest.mark.parametrize("change, field", [
    ({"signers": [{"organization_id": "ORG_B", "name": "某人"}]}, "signers-0-organization_id"),
    ({"signers": [{"organization_id": "XUNYING", "name": "  "}]}, "signers-0-name"),
    ({"signers": [{"organization_id": "XUNYING", "name": "褚" * 101}]}, "signers-0-name"),
    ({"signers": [{"organization_id": "XUNYING", "name": "褚兵", "title": "长" * 201}]}, "signers-0-title"),
    ({"signers": [{"organization_id": "XUNYING", "name": "甲"}, {"organization_id": "XUNYING", "name": "乙"}]},
     "signers-1-organization_id"),
    ({"signers": [{"name": "褚兵"}]}, "signers-0-organization_id"),
    ({"signers": [{"organization_id": "XUNYING", "person_id": 999999}]}, "signers-0-person_id"),
    ({"witnesses": [{"name": "", "title": "市长"}]}, "witnesses-0-name"),
    ({"witnesses": "王清宪"}, "witnesses"),
    ({"witnesses": [{"name": f"见证{i}"} for i in range(21)]}, "witnesses"),
    ({"assistants": [{"name": "张助理", "organization_id": "ORG_B"}]}, "assistants-0-organization_id"),
    ({"assistants": [{"name": "张助理", "party": 1}]}, "assistants-0-party"),
    ({"signatures": []}, "signatures"),
])
def test_bad_signing_records_are_refused_at_the_field_and_nothing_is_saved(app, people, orgs, agreement, db,
                                                                          change, field):
    with language(app):
        signing_record.set_signing_record(agreement, record_of(orgs), people.staff)
    db.session.commit()
    ids = {"ORG_B": people.org_b.id, "XUNYING": orgs["xunying"].id}

    def fill(value):
        if isinstance(value, dict):
            return {k: ids.get(v, v) if isinstance(v, str) else fill(v) for k, v in value.items()}
        return [fill(v) for v in value] if isinstance(value, list) else value

    bad = record_of(orgs, **fill(change))
    with language(app), pytest.raises(ServiceError) as caught:
        signing_record.set_signing_record(agreement, bad, people.staff)
    assert field in caught.value.errors, caught.value.errors
    db.session.rollback()
    assert [p.signatory_name for p in agreement.parties] == ["褚兵", "吴玉程", "李缜"]
    assert len(agreement.witnesses) == 2


def test_a_signer_chosen_from_the_agenda_brings_name_and_title(app, people, orgs, db):
    meeting = people.meeting
    with language(app):
        ceremony = event_services.add_item(meeting.session, {
            "starts_at": datetime(2027, 6, 16, 11), "ends_at": datetime(2027, 6, 16, 11, 30),
            "kind": "signing_ceremony", "title": "集中签约仪式"})
        person = event_services.create_person({"name": "褚兵", "title": "巡鹰集团董事长",
                                               "organization_id": orgs["xunying"].id})
        guest = event_services.create_person({"name": "来宾", "title": "嘉宾"})
        event_services.add_participant(ceremony, {"person_id": person.id, "part": "signatory"})
        event_services.add_participant(ceremony, {"person_id": guest.id, "part": "guest"})
        agreement = make(app, people.staff, [(orgs["xunying"], None, None), (orgs["hfut"], None, None)],
                         event=meeting.event, agenda_item_id=ceremony.id)
        assert signing_record.signing_participants(agreement) == [person]  # signatories only
        signing_record.set_signing_record(agreement, {"signers": [
            {"organization_id": orgs["xunying"].id, "person_id": person.id},
            {"organization_id": orgs["hfut"].id, "name": "吴玉程", "title": "校长"}]}, people.staff)
        assert (agreement.parties[0].signatory_name, agreement.parties[0].signatory_title) == ("褚兵", "巡鹰集团董事长")
        with pytest.raises(ServiceError) as caught:  # a guest does not sign
            signing_record.set_signing_record(agreement, {"signers": [
                {"organization_id": orgs["xunying"].id, "person_id": guest.id}]}, people.staff)
        assert "signers-0-person_id" in caught.value.errors


def test_a_signed_agreements_record_cannot_change(app, people, orgs, agreement, db):
    with language(app):
        signing_record.set_signing_record(agreement, record_of(orgs), people.staff)
        services.sign(agreement, people.staff)
        with pytest.raises(ServiceError) as caught:
            signing_record.set_signing_record(agreement, record_of(orgs, witnesses=[]), people.staff)
    assert caught.value.status == 409


# --- printed ------------------------------------------------------------------------------------

def test_signers_witnesses_and_assistants_are_printed_in_the_signature_blocks(app, people, orgs, agreement, db):
    with language(app):
        signing_record.set_signing_record(agreement, record_of(orgs), people.staff)
        text = text_of(documents.agreement_pdf(agreement))
    # Two blocks side by side: the reader reads them line by line across the row.
    assert_in_order(text, "甲方（盖章）", "乙方（盖章）", "签字人：褚兵（董事长）", "签字人：吴玉程（校长）",
                    "助签人：张助理（办公室主任）", "丙方（盖章）", "签字人：李缜（董事长）",
                    "见证领导：王清宪（省委副书记、省长）、袁飞（合肥市市长）", "助签人：秘书处干事")
    assert text.count("助签人") == 2  # 张助理 in 乙方's block only, 秘书处干事 with no party


def test_a_bilingual_agreement_prints_the_record_in_both_languages(app, people, orgs, db):
    agreement = make(app, people.staff, [(orgs["xunying"], None, None), (orgs["minghe"], None, None)])
    with language(app):
        signing_record.set_signing_record(agreement, {
            "signers": [{"organization_id": orgs["minghe"].id, "name": "Lim Ming Hock",
                         "title": "Group Managing Director"}],
            "witnesses": [{"name": "Wang Qingxian", "title": "Governor"}]}, people.staff)
    with language(app, "en"):
        data = documents.agreement_pdf(agreement, holder=agreement.parties[1])
    text = text_of(data)
    assert_in_order(text, squash("正本（乙方执）"), squash("Original — held by Party B"))
    assert squash("签字人 Signatory：Lim Ming Hock (Group Managing Director)") in text
    assert squash("见证领导 Witnessed by：Wang Qingxian (Governor)") in text


def test_each_partys_original_has_its_name_first_and_its_block_first(app, people, orgs, agreement, db):
    with language(app):
        signing_record.set_signing_record(agreement, record_of(orgs), people.staff)
        common = documents.agreement_pdf(agreement)
        second = documents.agreement_pdf(agreement, holder=agreement.parties[1])
    common_pages, pages = page_texts(common), page_texts(second)
    assert "正本" not in "".join(common_pages)
    cover = pages[0]
    assert cover.startswith(squash("正本（乙方执）"))
    assert_in_order(cover, "乙方：合肥工业大学", "甲方：安徽巡鹰新能源集团有限公司", "丙方：合肥国轩高科动力能源有限公司")
    assert len(pages) == len(common_pages) + 1  # the cover, then the agreement
    body = squash("".join(pages[1:]))
    # 甲方 stays 甲方 in the text; only the signature blocks put the holder first.
    assert_in_order(body, "正本（乙方执）", "甲方：安徽巡鹰", "乙方：合肥工业大学", "乙方（盖章）", "甲方（盖章）",
                    "丙方（盖章）")


def test_ceremony_pack_prints_the_record_and_per_party_originals(app, people, orgs, db):
    event = people.meeting.event
    first = make(app, people.staff, [(orgs["xunying"], "褚兵", "董事长"), (orgs["hfut"], None, None)], event=event)
    second = make(app, people.staff, [(orgs["gotion"], None, None), (orgs["zeji"], None, None),
                                      (orgs["changhong"], None, None)], "三方合作协议", event=event)
    with language(app):
        signing_record.set_signing_record(first, record_of(orgs, signers=[
            {"organization_id": orgs["hfut"].id, "name": "吴玉程", "title": "校长"}],
            assistants=[]), people.staff)
        agreements = services.ceremony_agreements(event, with_clauses=True)
        pack = documents.ceremony_pack_pdf(event, agreements)
        originals = documents.ceremony_pack_pdf(event, agreements, originals=True)
    listing = squash(pdf_pages(pack)[0])
    assert_in_order(listing, "乙方合肥工业大学", "签字：吴玉程（校长）", "见证领导：王清宪")
    # Each original: its cover, then the agreement headed by the same mark.
    assert marks(originals) == [m for m in ("正本（甲方执）", "正本（乙方执）", "正本（甲方执）", "正本（乙方执）",
                                            "正本（丙方执）") for _twice in range(2)]
    covers = [page for page in page_texts(originals) if page.startswith("正本（") and "第一条" not in page]
    assert "丙方：四川长虹" in covers[-1].split("甲方")[0]  # 丙方's copy names 丙方 first


# --- archived, one hash per original ---------------------------------------------------------------

def test_signing_archives_every_original_with_its_own_hash(app, client, people, orgs, agreement, db):
    with language(app):
        signing_record.set_signing_record(agreement, record_of(orgs), people.staff)
        services.sign(agreement, people.staff)
    db.session.commit()
    rows = db.session.scalars(select(AgreementArchive).where(AgreementArchive.agreement_id == agreement.id)).all()
    assert sorted(row.organization_id or 0 for row in rows) == sorted(
        [0] + [p.organization_id for p in agreement.parties])
    assert len({row.sha256 for row in rows}) == 4
    common = archive.archive_of(agreement)
    assert common.organization_id is None

    login(client, people.staff)
    for party in agreement.parties:
        url = f"/agreements/{agreement.id}/originals/{party.organization_id}.pdf"
        first, again = client.get(url), client.get(url)
        assert first.status_code == 200 and first.mimetype == "application/pdf"
        assert first.data == again.data
        assert hashlib.sha256(first.data).hexdigest() == archive.archive_of(agreement, party).sha256
    assert client.get(f"/agreements/{agreement.id}.pdf").data == archive.read(common)
    everything = client.get(f"/agreements/{agreement.id}/originals.pdf")
    assert everything.status_code == 200
    assert marks(everything.data) == ["正本（甲方执）"] * 2 + ["正本（乙方执）"] * 2 + ["正本（丙方执）"] * 2


def test_an_original_signed_before_originals_existed_is_archived_at_its_first_download(app, client, people, orgs,
                                                                                       agreement, db):
    with language(app):
        services.sign(agreement, people.staff)
    db.session.commit()
    party = agreement.parties[1]
    db.session.delete(archive.archive_of(agreement, party))
    db.session.commit()
    login(client, people.staff)
    data = client.get(f"/agreements/{agreement.id}/originals/{party.organization_id}.pdf").data
    db.session.rollback()
    assert archive.archive_of(agreement, party).sha256 == hashlib.sha256(data).hexdigest()


def test_members_download_only_their_own_original(app, client, people, db):
    agreement = people.agreement  # org_a and org_b, ready
    login(client, people.member_a)
    own = client.get(f"/agreements/{agreement.id}/originals/{people.org_a.id}.pdf")
    assert own.status_code == 200
    assert page_texts(own.data)[0].startswith("正本（甲方执）")
    assert client.get(f"/agreements/{agreement.id}/originals/{people.org_b.id}.pdf").status_code == 403
    assert client.get(f"/agreements/{agreement.id}/originals/{people.applicant.id}.pdf").status_code == 404


# --- the web pages -----------------------------------------------------------------------------------

S = dict(anon=302, member_a=403, member_b=403, staff=200, admin=200)
AUTHZ_ROWS = {
    ("agreements.signing_record", "GET"): ("/admin/agreements/{agreement_id}/signing", S),
    # An empty form records that nobody is named yet.
    ("agreements.signing_record", "POST"): ("/admin/agreements/{agreement_id}/signing", dict(S, staff=302, admin=302)),
    ("agreements.originals", "GET"): ("/agreements/{agreement_id}/originals.pdf", S),
    # The fixture's agreement is org_a's and org_b's: each member gets its own organization's original.
    ("agreements.original_pdf", "GET"): ("/agreements/{agreement_id}/originals/{org_a_id}.pdf",
                                         dict(anon=302, member_a=200, member_b=403, staff=200, admin=200)),
    ("api_agreements.signing_record", "PUT"): ("/api/v1/agreements/{agreement_id}/signing-record",
                                               dict(anon=401, member_a=403, member_b=403, staff=400, admin=400)),
    ("api_agreements.original_pdf", "GET"): ("/api/v1/agreements/{agreement_id}/originals/{org_a_id}/pdf",
                                             dict(anon=401, member_a=200, member_b=403, staff=200, admin=200)),
}


def record_form(agreement, rows: dict) -> dict:
    form = {}
    for index, _party in enumerate(agreement.parties):
        form.update({f"signers-{index}-person_id": "", f"signers-{index}-name": "", f"signers-{index}-title": ""})
    form.update(rows)
    return form


def test_the_ceremony_records_signers_and_signs_from_one_page(app, client, people, orgs, agreement, db):
    event = people.meeting.event
    with language(app):
        services.update_agreement(agreement, {"event_id": event.id}, people.staff)
        services.mark_ready(agreement, people.staff)
    db.session.commit()
    login(client, people.staff)
    ceremony = client.get(f"/admin/events/{event.id}/ceremony").get_data(as_text=True)
    assert f"/admin/agreements/{agreement.id}/signing" in ceremony
    page = client.get(f"/admin/agreements/{agreement.id}/signing")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "合肥工业大学" in html and 'value="吴玉程"' in html  # the signers typed when drafting

    back = f"/admin/events/{event.id}/ceremony#agreement-{agreement.id}"
    response = client.post(f"/admin/agreements/{agreement.id}/signing", data=record_form(agreement, {
        "signers-0-name": "褚兵", "signers-0-title": "董事长", "signers-1-name": "吴玉程", "signers-1-title": "校长",
        "witnesses-0-name": "王清宪", "witnesses-0-title": "省长", "witnesses-1-name": "",
        "assistants-0-name": "张助理", "assistants-0-organization_id": str(orgs["hfut"].id),
        "back": back, "sign": "1"}))
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    db.session.rollback()
    assert agreement.status == AgreementStatus.signed
    assert [w.name for w in agreement.witnesses] == ["王清宪"]
    ceremony = client.get(f"/admin/events/{event.id}/ceremony").get_data(as_text=True)
    assert "王清宪" in ceremony and "吴玉程" in ceremony
    # Printed in the archived copy; the record is locked now.
    assert "见证领导：王清宪（省长）" in text_of(client.get(f"/agreements/{agreement.id}.pdf").data)
    assert client.get(f"/admin/agreements/{agreement.id}/signing").status_code == 302


def test_bad_input_on_the_signing_page_is_shown_at_the_field_and_nothing_is_saved(app, client, people, orgs,
                                                                                 agreement, db):
    login(client, people.staff)
    response = client.post(f"/admin/agreements/{agreement.id}/signing", data=record_form(agreement, {
        "signers-0-name": "褚兵", "signers-1-name": "吴" * 101, "witnesses-0-title": "省长",
        "assistants-0-name": "张助理", "signers-7-name": "多余的一行", "signers-1-person_id": "abc", "sign": "1"}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "At most 100 characters" in html or "最多 100 个字符" in html
    assert html.count("is-invalid") == 3  # the long name, the unknown participant, the witness without a name
    assert "多余的一行" not in html  # no row for a party that is not there
    db.session.rollback()
    assert agreement.status == AgreementStatus.ready
    assert [p.signatory_name for p in agreement.parties] == ["褚兵", "吴玉程", None]
    assert agreement.assistants == []


def test_the_ceremony_page_offers_the_originals_pack(app, client, people, orgs, db):
    event = people.meeting.event
    make(app, people.staff, [(orgs["xunying"], "褚兵", "董事长"), (orgs["hfut"], None, None)], event=event)
    db.session.commit()
    login(client, people.staff)
    html = client.get(f"/admin/events/{event.id}/ceremony").get_data(as_text=True)
    assert f"/events/{event.slug}/agreements.pdf?originals=1" in html
    pack = client.get(f"/events/{event.slug}/agreements.pdf?originals=1")
    assert pack.status_code == 200
    assert marks(pack.data) == ["正本（甲方执）"] * 2 + ["正本（乙方执）"] * 2
    assert marks(client.get(f"/events/{event.slug}/agreements.pdf").data) == []


# --- the API ----------------------------------------------------------------------------------------

def bearer(user) -> dict:
    return {"Authorization": f"Bearer {factories.token(user)}"}


def test_the_api_reads_and_sets_the_signing_record(app, client, people, orgs, agreement, db):
    url = f"/api/v1/agreements/{agreement.id}"
    staff = bearer(people.staff)
    before = client.get(url, headers=staff).get_json()
    assert before["signers"] == [
        {"organization_id": orgs["xunying"].id, "role_label": "甲方", "name": "褚兵", "title": "董事长"},
        {"organization_id": orgs["hfut"].id, "role_label": "乙方", "name": "吴玉程", "title": "副校长"},
        {"organization_id": orgs["gotion"].id, "role_label": "丙方", "name": None, "title": None}]
    assert before["witnesses"] == [] and before["assistants"] == []

    response = client.put(f"{url}/signing-record", headers=staff, json=record_of(orgs))
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert [s["name"] for s in answer["signers"]] == ["褚兵", "吴玉程", "李缜"]
    assert answer["witnesses"][0] == {"name": "王清宪", "title": "省委副书记、省长"}
    assert answer["assistants"] == [{"name": "张助理", "title": "办公室主任", "organization_id": orgs["hfut"].id},
                                    {"name": "秘书处干事", "title": None, "organization_id": None}]
    assert answer["status"] == "ready"
    listed = client.get("/api/v1/agreements", headers=staff).get_json()["items"]
    assert next(a for a in listed if a["id"] == agreement.id)["signers"][2]["name"] == "李缜"


@pytest.mark.parametrize("body, field", [
    ({"signers": [{"organization_id": "ORG_B", "name": "某人"}]}, "signers-0-organization_id"),
    ({"signers": [{"organization_id": "XUNYING", "name": ""}]}, "signers-0-name"),
    ({"signers": [{"organization_id": "XUNYING", "name": "褚" * 101}]}, "signers-0-name"),
    ({"witnesses": [{"name": "王清宪", "title": "长" * 201}]}, "witnesses-0-title"),
    ({"witnesses": [{"title": "省长"}]}, "witnesses"),
    ({"signers": "褚兵"}, "signers"),
    ({"signers": [{"organization_id": "XUNYING", "name": "褚兵", "rank": 1}]}, "signers"),
])
def test_the_api_refuses_a_bad_signing_record_and_saves_nothing(app, client, people, orgs, agreement, db,
                                                                body, field):
    ids = {"ORG_B": people.org_b.id, "XUNYING": orgs["xunying"].id}
    for row in body.get("signers", []) if isinstance(body.get("signers"), list) else []:
        row["organization_id"] = ids.get(row.get("organization_id"), row.get("organization_id"))
    url = f"/api/v1/agreements/{agreement.id}"
    staff = bearer(people.staff)
    response = client.put(f"{url}/signing-record", headers=staff, json={**record_of(orgs), **body})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert any(key == field or key.startswith(field) for key in errors), errors
    after = client.get(url, headers=staff).get_json()
    assert [s["name"] for s in after["signers"]] == ["褚兵", "吴玉程", None] and after["witnesses"] == []


def test_the_api_serves_each_partys_original_and_locks_the_record_once_signed(app, client, people, orgs,
                                                                             agreement, db):
    staff = bearer(people.staff)
    url = f"/api/v1/agreements/{agreement.id}"
    assert client.put(f"{url}/signing-record", headers=staff, json=record_of(orgs)).status_code == 200
    assert client.post(f"{url}/sign", headers=staff).status_code == 200
    again = client.put(f"{url}/signing-record", headers=staff, json=record_of(orgs, witnesses=[]))
    assert again.status_code == 409
    for party in agreement.parties:
        pdf = client.get(f"{url}/originals/{party.organization_id}/pdf", headers=staff)
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        db.session.rollback()
        assert hashlib.sha256(pdf.data).hexdigest() == archive.archive_of(agreement, party).sha256
    assert client.get(f"{url}/originals/{people.org_b.id}/pdf", headers=staff).status_code == 404


def test_a_pack_built_before_a_change_of_the_record_is_not_served_again(app, people, orgs, db):
    from alliance_app.agreements.printing import CEREMONY_ORIGINALS, CEREMONY_PACK

    event = people.meeting.event
    agreement = make(app, people.staff, [(orgs["xunying"], "褚兵", "董事长"), (orgs["hfut"], None, None)], event=event)
    db.session.commit()
    with language(app):
        before = [kind.fingerprint(kind.load({"event_id": event.id})) for kind in (CEREMONY_PACK, CEREMONY_ORIGINALS)]
        # Only witnesses are added: the parties' rows stay as they were.
        signing_record.set_signing_record(agreement, record_of(orgs, signers=[
            {"organization_id": orgs["xunying"].id, "name": "褚兵", "title": "董事长"}], assistants=[]), people.staff)
        db.session.commit()
        after = [kind.fingerprint(kind.load({"event_id": event.id})) for kind in (CEREMONY_PACK, CEREMONY_ORIGINALS)]
        assert CEREMONY_ORIGINALS.size(CEREMONY_ORIGINALS.load({"event_id": event.id})) == 2  # one per party
    assert before[0] != after[0] and before[1] != after[1]
