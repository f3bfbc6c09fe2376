"""Both catalogues are complete and the language choice is remembered."""
import os
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from .conftest import login

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = {
    "zh_Hans_CN": ROOT / "alliance_app/translations/zh_Hans_CN/LC_MESSAGES/messages.po",
    "en": ROOT / "alliance_app/translations/en/LC_MESSAGES/messages.po",
}


def _source_messages() -> set[str]:
    method_map = [("alliance_app/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    # Babel's default filter skips folders starting with "_", such as templates/_macros.
    skip = {".venv", ".git", "__pycache__", "build", "dist", "instance", "node_modules"}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords=keywords,
            directory_filter=lambda path: os.path.basename(path) not in skip):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("locale", sorted(CATALOGUES))
def test_catalogue_is_complete_and_current(locale):
    with CATALOGUES[locale].open("rb") as f:
        catalog = read_po(f)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    missing = sorted(_source_messages() - ids)
    assert not missing, f"Not in the {locale} catalogue (run `make messages`): {missing}"
    strings = lambda m: m.string if isinstance(m.string, tuple) else (m.string,)  # noqa: E731  plurals
    untranslated = [m.id for m in catalog if m.id and (not all(strings(m)) or "fuzzy" in m.flags)]
    assert not untranslated, f"Untranslated or fuzzy in {locale}: {untranslated}"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert not problems, problems


def test_chinese_is_the_default_and_english_is_remembered(client):
    assert "登录" in client.get("/login").get_data(as_text=True)
    response = client.post("/language", data={"lang": "en", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert "alliance_lang=en" in response.headers["Set-Cookie"]
    page = client.get("/login").get_data(as_text=True)
    assert "Log in" in page and 'lang="en"' in page
    client.post("/language", data={"lang": "zh_CN"})
    assert 'lang="zh-CN"' in client.get("/").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    response = client.post("/language", data={"lang": "xx"})
    assert "Set-Cookie" not in response.headers
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_a_signed_in_user_keeps_the_language_on_another_browser(app, people, db):
    from alliance_app.accounts.models import User

    first = login(app.test_client(), people.staff)
    first.post("/language", data={"lang": "en"})
    assert db.session.get(User, people.staff.id).locale == "en"
    second = login(app.test_client(), people.staff)
    assert "My account" in second.get("/account").get_data(as_text=True)


def test_form_validation_messages_are_translated(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "必填" in response.get_data(as_text=True) or "不能为空" in response.get_data(as_text=True)
