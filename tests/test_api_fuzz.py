"""Fuzzing the JSON API from its own OpenAPI document (schemathesis).

Every operation of /api/v1/openapi.json is called in-process (the WSGI app, no
port) with generated requests, valid ones and deliberately invalid ones, as the
secretariat, as a member representative and without a token. Each answer must:

* not be a server error (5xx);
* have a status code the document lists for the operation (401, 403 and 404
  included: the document has no catch-all "default" response);
* have the documented content type and match the documented schema.

Generation is bounded and deterministic (derandomized Hypothesis, a few dozen
examples per operation and role). Before each operation the tables are filled
afresh (tests/factories.people plus a signed agreement), and half the time a
path parameter names one of those real rows, so that requests get past the 404
into the endpoint's body; otherwise it is whatever schemathesis generates (0,
negative, huge). A finding fails the test with every failing operation, the
check, the answer and a curl command reproducing it. So that the test cannot
pass by testing nothing, every operation of the document must be fuzzed, and
with a token at least one answer per operation must be other than 401.
"""
import os
import time
from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from . import factories
from .conftest import _empty_all_tables

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]

# Examples per operation, valid and invalid requests mixed: the secretariat reaches
# every endpoint's body; members and anonymous callers mostly meet the access checks.
# FUZZ_EXAMPLES_FACTOR=10 searches ten times harder (locally; CI runs the default).
FACTOR = int(os.environ.get("FUZZ_EXAMPLES_FACTOR", "1"))
EXAMPLES = {role: count * FACTOR for role, count in {"staff": 40, "member": 12, "anonymous": 6}.items()}


@dataclass
class Fixture:
    """The rows of one operation's run and the callers' tokens."""

    ids: dict[str, list] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def fresh_data(app) -> Fixture:
    """Empty tables, then the usual people and objects, and a signed agreement."""
    from alliance_app.agreements import services as agreements
    from alliance_app.extensions import db

    with app.app_context():
        _empty_all_tables(db)
        people = factories.people()
        signed = factories.ready_agreement((people.org_b, people.org_a), people.staff, title="已签署协议")
        agreements.sign(signed, people.staff)
        db.session.commit()
        meeting = people.meeting
        fixture = Fixture(
            ids={
                "org_id": [people.org_a.id, people.org_b.id, people.applicant.id],
                "event_id": [meeting.event.id, people.draft.event.id],
                "organizer_id": [meeting.organizer.id],
                "session_id": [meeting.session.id],
                "item_id": [meeting.item.id],
                "participant_id": [meeting.participant.id],
                "person_id": [meeting.person.id],
                "registration_id": [people.registration_a.id],
                "agreement_id": [people.agreement.id, signed.id],
                "year": [signed.year, 2027],
            },
            tokens={"staff": factories.token(people.staff), "member": factories.token(people.member_a)},
        )
        db.session.remove()
    return fixture


@pytest.fixture(scope="module")
def api_schema(shared_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", shared_app)
    # The reproduction shows the request as sent: the tokens are this run's own, and
    # the default would also hide harmless fields such as `session_ids`.
    schema.config.output.sanitization.update(enabled=False)
    return schema


@pytest.fixture
def fuzz_app(shared_app):
    """The shared app with no app context pushed (each request gets its own, as
    in production); the tables are emptied afterwards, as the `app` fixture does."""
    from alliance_app.extensions import db

    yield shared_app
    with shared_app.app_context():
        db.session.remove()
        _empty_all_tables(db)


def operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


def describe(operation, exc: BaseException) -> str:
    notes = "\n".join(getattr(exc, "__notes__", []))
    return f"--- {operation.label}\n{exc}\n{notes}".rstrip()


def fuzz_operation(operation, fixture: Fixture, role: str) -> set[int]:
    """The statuses answered; raise the first finding (Hypothesis shrinks it first)."""
    token = fixture.tokens.get(role)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    names = [p.name for p in operation.path_parameters]
    real = {name: fixture.ids[name] for name in names if name in fixture.ids}
    statuses = set()
    cases = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                      operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    # For each path parameter: an index of a real row, or None to keep the generated value.
    picks = st.fixed_dictionaries({name: st.one_of(st.integers(0, len(ids) - 1), st.just(None))
                                   for name, ids in real.items()})

    @settings(max_examples=EXAMPLES[role], derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate, Phase.shrink], print_blob=False,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                     HealthCheck.data_too_large])
    @given(case=cases, pick=picks)
    def run(case, pick):
        for name, index in pick.items():
            if index is not None:
                case.path_parameters[name] = real[name][index]
        statuses.add(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    run()
    return statuses


@pytest.mark.parametrize("role", list(EXAMPLES))
def test_api_fuzz(role, fuzz_app, api_schema):
    findings, fuzzed = [], 0
    started = time.perf_counter()
    for operation in operations(api_schema):
        fuzzed += 1
        fixture = fresh_data(fuzz_app)
        try:
            statuses = fuzz_operation(operation, fixture, role)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001  every finding is reported below
            findings.append(describe(operation, exc))
            continue
        if role in fixture.tokens and statuses <= {401}:
            findings.append(f"--- {operation.label}\nonly 401 answers: the {role} token was never accepted")
    elapsed = time.perf_counter() - started
    documented = sum(method != "parameters" for path in api_schema.raw_schema["paths"].values() for method in path)
    assert fuzzed == documented > 40, f"{fuzzed} operations fuzzed of the {documented} documented"
    assert not findings, (f"schemathesis found {len(findings)} failing operation(s) as {role} "
                          f"in {elapsed:.0f} s:\n\n" + "\n\n".join(findings))
