"""The OpenAPI document is the API's contract with its clients: each operation's
URL, method, endpoint name, who may call it without a token, its body and answer
schemas and the statuses it documents stay as they are, whatever the code that
declares them. A change here is a change of the API: make it on purpose."""
import re

import pytest

# (method, path under /api/v1): (endpoint, "public" or "token", body schema, answer schema, statuses)
OPERATIONS = {
    ("GET", "/me"): ("api_me.me", "token", None, "Me", "200 401"),
    ("POST", "/password-reset"): ("api_accounts.password_reset", "public", "PasswordReset", "PasswordResetAccepted",
                                  "202 400 401 422 429"),
    ("GET", "/organizations"): ("api_organizations.organizations", "token", None, "OrganizationPage",
                                "200 401 422"),
    ("POST", "/organizations"): ("api_organizations.organizations", "token", "OrganizationCreate",
                                 "OrganizationDetail", "201 400 401 403 409 422"),
    ("GET", "/organizations/{org_id}"): ("api_organizations.organization", "token", None, "OrganizationDetail",
                                         "200 401 403 404"),
    ("PATCH", "/organizations/{org_id}"): ("api_organizations.organization", "token", "OrganizationUpdate",
                                           "OrganizationDetail", "200 400 401 403 404 409 422"),
    ("GET", "/organizations/{org_id}/contacts"): ("api_organizations.contacts", "token", None, "ContactPage",
                                                  "200 401 403 404 422"),
    ("POST", "/organizations/{org_id}/contacts"): ("api_organizations.contacts", "token", "ContactCreate",
                                                   "Contact", "201 400 401 403 404 409 422"),
    ("GET", "/events"): ("api_events.events", "public", None, "EventPage", "200 401 422"),
    ("POST", "/events"): ("api_events.events", "token", "EventCreate", "EventDetail", "201 400 401 403 422"),
    ("GET", "/events/{event_id}"): ("api_events.event", "public", None, "EventDetail", "200 401 404"),
    ("PATCH", "/events/{event_id}"): ("api_events.event", "token", "EventUpdate", "EventDetail",
                                      "200 400 401 403 404 422"),
    ("POST", "/events/{event_id}/status"): ("api_events.event_status", "token", "EventStatus", "EventDetail",
                                            "200 400 401 403 404 422"),
    ("POST", "/events/{event_id}/clone"): ("api_events.event_clone", "token", "EventClone", "EventDetail",
                                           "201 400 401 403 404 422"),
    ("GET", "/events/{event_id}/organizers"): ("api_events.organizers", "public", None, "Organizer[]",
                                               "200 401 404"),
    ("POST", "/events/{event_id}/organizers"): ("api_events.organizers", "token", "OrganizerCreate", "Organizer",
                                                "201 400 401 403 404 409 422"),
    ("DELETE", "/organizers/{organizer_id}"): ("api_events.organizer", "token", None, None, "204 401 403 404"),
    ("POST", "/events/{event_id}/sessions"): ("api_events.sessions", "token", "SessionCreate", "Session",
                                              "201 400 401 403 404 422"),
    ("PATCH", "/sessions/{session_id}"): ("api_events.session", "token", "SessionWrite", "Session",
                                          "200 400 401 403 404 422"),
    ("DELETE", "/sessions/{session_id}"): ("api_events.session", "token", None, None, "204 401 403 404"),
    ("POST", "/sessions/{session_id}/items"): ("api_events.items", "token", "ItemCreate", "Item",
                                               "201 400 401 403 404 422"),
    ("PATCH", "/items/{item_id}"): ("api_events.item", "token", "ItemWrite", "Item", "200 400 401 403 404 422"),
    ("DELETE", "/items/{item_id}"): ("api_events.item", "token", None, None, "204 401 403 404"),
    ("POST", "/items/{item_id}/participants"): ("api_events.participants", "token", "ParticipantCreate",
                                                "Participant", "201 400 401 403 404 409 422"),
    ("DELETE", "/participants/{participant_id}"): ("api_events.participant", "token", None, None,
                                                   "204 401 403 404"),
    ("GET", "/people"): ("api_events.people", "token", None, "PersonPage", "200 401 403 422"),
    ("GET", "/events/{event_id}/ranks"): ("api_protocol.ranks", "token", None, "Ranks", "200 401 403 404"),
    ("PUT", "/events/{event_id}/ranks"): ("api_protocol.ranks", "token", "Rank[]", "Ranks", "200 400 401 403 404 422"),
    ("GET", "/sessions/{session_id}/rostrum"): ("api_protocol.rostrum", "token", None, "Rostrum",
                                               "200 401 403 404 422"),
    ("PUT", "/sessions/{session_id}/rostrum"): ("api_protocol.rostrum", "token", "RostrumWrite", "Rostrum",
                                               "200 400 401 403 404 422"),
    ("GET", "/sessions/{session_id}/seats"): ("api_protocol.seats", "token", None, "Seats", "200 401 403 404"),
    ("POST", "/sessions/{session_id}/seats"): ("api_protocol.seats", "token", "SeatsWrite", "Seats",
                                              "200 400 401 403 404 409 422"),
    ("POST", "/people"): ("api_events.people", "token", "PersonCreate", "Person", "201 400 401 403 422"),
    ("GET", "/people/{person_id}"): ("api_events.person", "token", None, "Person", "200 401 403 404"),
    ("PATCH", "/people/{person_id}"): ("api_events.person", "token", "PersonWrite", "Person",
                                       "200 400 401 403 404 422"),
    ("GET", "/events/{event_id}/registrations"): ("api_registrations.event_registrations", "token", None,
                                                  "RegistrationPage", "200 401 404 422"),
    ("POST", "/events/{event_id}/registrations"): ("api_registrations.event_registrations", "token",
                                                   "RegistrationCreate", "Registration",
                                                   "201 400 401 403 404 409 422 429"),
    ("POST", "/registrations/{registration_id}/cancel"): ("api_registrations.cancel", "token", None,
                                                          "Registration", "200 401 403 404 409"),
    ("POST", "/registrations/{registration_id}/check-in"): ("api_registrations.check_in", "token", None,
                                                            "CheckIn", "200 401 403 404 409"),
    ("GET", "/events/{event_id}/questions"): ("api_questions.questions", "token", None, "QuestionList",
                                             "200 401 404"),
    ("POST", "/events/{event_id}/questions"): ("api_questions.questions", "token", "QuestionCreate",
                                              "QuestionList", "201 400 401 403 404 409 422"),
    ("PATCH", "/questions/{question_id}"): ("api_questions.question", "token", "QuestionWrite", "Question",
                                           "200 400 401 403 404 422"),
    ("DELETE", "/questions/{question_id}"): ("api_questions.question", "token", None, None, "204 401 403 404"),
    ("POST", "/events/{event_id}/invitations"): ("api_guests.invitations", "token", "InvitationCreate", "Invitation",
                                                 "201 400 401 403 404 409 422"),
    ("POST", "/invitations/{code}/registrations"): ("api_guests.invitation_registrations", "public",
                                                    "GuestRegistration", "Registration",
                                                    "201 400 401 404 409 410 422 429"),
    ("POST", "/registrations/{registration_id}/substitute"): ("api_guests.substitute", "token", "Substitute",
                                                              "Registration", "201 400 401 403 404 409 422 429"),
    ("GET", "/agreements"): ("api_agreements.agreements", "token", None, "AgreementPage", "200 401 422"),
    ("POST", "/agreements"): ("api_agreements.agreements", "token", "AgreementCreate", "AgreementDetail",
                              "201 400 401 403 422"),
    ("GET", "/agreements/{agreement_id}"): ("api_agreements.agreement", "token", None, "AgreementDetail",
                                            "200 401 403 404"),
    ("PATCH", "/agreements/{agreement_id}"): ("api_agreements.agreement", "token", "AgreementWrite",
                                              "AgreementDetail", "200 400 401 403 404 409 422"),
    ("POST", "/agreements/{agreement_id}/ready"): ("api_agreements.ready", "token", None, "AgreementDetail",
                                                   "200 401 403 404 409 422"),
    ("POST", "/agreements/{agreement_id}/sign"): ("api_agreements.sign", "token", "Sign", "AgreementDetail",
                                                  "200 400 401 403 404 409 422"),
    ("POST", "/agreements/{agreement_id}/void"): ("api_agreements.void", "token", "Void", "AgreementDetail",
                                                  "200 400 401 403 404 409 422"),
    ("GET", "/agreements/{agreement_id}/pdf"): ("api_agreements.pdf", "token", None, "application/pdf",
                                                "200 401 403 404"),
    ("PUT", "/agreements/{agreement_id}/signing-record"): ("api_agreements.signing_record", "token", "SigningRecord",
                                                           "AgreementDetail", "200 400 401 403 404 409 422"),
    ("GET", "/agreements/{agreement_id}/originals/{organization_id}/pdf"): (
        "api_agreements.original_pdf", "token", None, "application/pdf", "200 401 403 404"),
    ("GET", "/events/{event_id}/totals"): ("api_totals.event_totals", "token", None, "Totals", "200 401 404"),
    ("GET", "/years/{year}/totals"): ("api_totals.year_totals", "token", None, "YearTotals", "200 401 404"),
    ("GET", "/messages"): ("api_messages.messages", "token", None, "MessagePage", "200 401 403 422"),
    ("POST", "/messages/{message_id}/resend"): ("api_messages.resend", "token", None, "Message",
                                                "200 401 403 404 409"),
    ("GET", "/bills"): ("api_finance.bills", "token", None, "BillPage", "200 401 422"),
    ("POST", "/bills"): ("api_finance.bills", "token", "BillCreate", "Bill", "201 400 401 403 409 422"),
    ("POST", "/payments"): ("api_finance.payments", "token", "PaymentCreate", "Payment", "201 400 401 403 409 422"),
    ("GET", "/payments/{payment_id}/receipt.pdf"): ("api_finance.receipt", "token", None, "application/pdf",
                                                    "200 401 403 404"),
    ("GET", "/organizations/{org_id}/invoice-details"): ("api_finance.invoice_details", "token", None,
                                                         "InvoiceDetails", "200 401 403 404"),
    ("PUT", "/organizations/{org_id}/invoice-details"): ("api_finance.invoice_details", "token",
                                                         "InvoiceDetailsWrite", "InvoiceDetails",
                                                         "200 400 401 403 404 422"),
    ("GET", "/years/{year}/dues"): ("api_finance.dues", "token", None, "DuesYear", "200 401 403 404"),
    ("GET", "/events/{event_id}/fees"): ("api_finance.event_fees", "token", None, "EventFees", "200 401 404"),
    ("PUT", "/events/{event_id}/fees"): ("api_finance.event_fees", "token", "EventFeesWrite", "EventFees",
                                         "200 400 401 403 404 422"),
    ("GET", "/agreements/{agreement_id}/reports"): ("api_followup.agreement_reports", "token", None, "Report[]",
                                                    "200 401 403 404"),
    ("POST", "/agreements/{agreement_id}/reports"): ("api_followup.agreement_reports", "token", "ReportCreate",
                                                     "Report", "201 400 401 403 404 409 422"),
    ("POST", "/reports/{report_id}/accept"): ("api_followup.report_accept", "token", None, "Report",
                                              "200 401 403 404 409"),
    ("POST", "/reports/{report_id}/return"): ("api_followup.report_return", "token", "Return", "Report",
                                              "200 400 401 403 404 409 422"),
    ("GET", "/events/{event_id}/follow-up"): ("api_followup.event_follow_up", "token", None, "FollowUp",
                                              "200 401 404"),
    ("GET", "/years/{year}/follow-up"): ("api_followup.year_follow_up", "token", None, "FollowUp",
                                         "200 401 404"),
    ("GET", "/verify/{code}"): ("api_verify.verification", "public", None, "Verification", "200 401 404 429"),
    ("POST", "/verify"): ("api_verify.compare", "public", None, "Comparison", "200 401 404 413 422 429"),
    # the same answers at the public page's own addresses, outside /api/v1
    ("GET", "site:/verify/{code}.json"): ("api_verify_public.verification", "public", None, "Verification",
                                          "200 401 404 429"),
    ("POST", "site:/verify"): ("api_verify_public.compare", "public", None, "Comparison", "200 401 404 413 422 429"),
}

PUBLIC = [{}, {"bearerAuth": []}]


def _schema_name(schema: dict | None) -> str | None:
    """"Event" for a reference to it, "Event[]" for a list of them."""
    if schema is None:
        return None
    if "items" in schema:
        return _schema_name(schema["items"]) + "[]"
    return schema["$ref"].rsplit("/", 1)[1]


def _described(operation: dict) -> tuple:
    statuses = sorted(operation["responses"])
    success = operation["responses"][statuses[0]].get("content", {})
    answer = _schema_name(success["application/json"].get("schema")) if "application/json" in success \
        else next(iter(success), None)
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    return ("public" if operation.get("security") == PUBLIC else "token", _schema_name(body), answer,
            " ".join(statuses))


def _key(path: str) -> str:
    """Operations under /api/v1 by their path without it; the few outside it as site:<path>."""
    return path.removeprefix("/api/v1") if path.startswith("/api/v1/") else f"site:{path}"


@pytest.fixture(scope="module")
def document_and_endpoints(shared_app):
    document = shared_app.test_client().get("/api/v1/openapi.json").get_json()
    endpoints = {}
    for rule in shared_app.url_map.iter_rules():
        if rule.endpoint.startswith("api_") and rule.endpoint != "api.openapi_json":
            path = _key(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                endpoints[method, path] = rule.endpoint
    return document, endpoints


def test_the_document_lists_the_same_operations(document_and_endpoints):
    document, endpoints = document_and_endpoints
    documented = {(method.upper(), _key(path)) for path, operations in document["paths"].items()
                  for method in operations if method != "parameters"}
    assert documented == set(OPERATIONS) == set(endpoints)


@pytest.mark.parametrize("key", list(OPERATIONS), ids=lambda key: f"{key[0]} {key[1]}")
def test_each_operation_keeps_its_contract(document_and_endpoints, key):
    document, endpoints = document_and_endpoints
    method, path = key
    operation = document["paths"][path.removeprefix("site:") if path.startswith("site:") else "/api/v1" + path][
        method.lower()]
    assert (endpoints[key], *_described(operation)) == OPERATIONS[key]


# Lists paged by cursor as well as by number (issue 21 item 5): their query parameters and page schema.
KEYSET_LISTS = {("GET", "/events/{event_id}/registrations"): "RegistrationPage"}


@pytest.mark.parametrize("key", list(KEYSET_LISTS), ids=lambda key: f"{key[0]} {key[1]}")
def test_keyset_lists_document_the_cursor(document_and_endpoints, key):
    document, _endpoints = document_and_endpoints
    method, path = key
    operation = document["paths"]["/api/v1" + path][method.lower()]
    parameters = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    assert {"page", "per_page", "after"} <= set(parameters)
    assert parameters["after"]["schema"]["type"] == "string" and "next_cursor" in parameters["after"]["description"]
    page = document["components"]["schemas"][KEYSET_LISTS[key]]["properties"]
    assert page["next_cursor"]["type"] == "string" and {"items", "page", "per_page", "total"} <= set(page)
