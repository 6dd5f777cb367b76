"""A post the screening marked, in a real browser: first in the inbox with what matched
masked, its page with the decision, and the form that shows it again as a false match;
every page passes axe, the form's error state too."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Account, Post, PostSource, ScreeningStatus
from accounts.posts.services import post_ingest
from moskenes_social.people.models import Unit, User
from tests.a11y import assert_accessible
from tests.accounts.factories import make_account
from tests.conftest import Persona
from tests.posts.factories import make_post

from .test_shell import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "15108695088"  # python-stdnum's documented example


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("moskenes_social.notifications.services._enqueue", lambda ids: None)


def _user(personas: dict[str, Persona], name: str) -> User:
    user = personas[name].user
    assert user is not None
    return user


@pytest.fixture
def school_page(personas: dict[str, Persona], unit: Unit) -> Account:
    return make_account(
        unit=unit,
        name="Skolens Facebook-side",
        owner=_user(personas, "leder"),
        responders=[_user(personas, "kommunikasjon")],
    )


def test_a_marked_post_is_decided_in_the_browser(
    page: Page, personas: dict[str, Persona], school_page: Account
) -> None:
    make_post(account=school_page, text="Når er foreldremøtet?")
    post, _created = post_ingest(
        account=school_page,
        platform_id="api-77",
        author="Kari",
        text=f"Sønnen min har fått diagnosen ADHD, fnr {NUMBER}.",
        url="",
        posted_at=timezone.now() - timedelta(minutes=10),
        source=PostSource.API,
    )
    login(page, "kommunikasjon")
    page.goto("/innlegg/")
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", name="Mulig sensitivt: avgjør først")).to_be_visible()
    expect(main).not_to_contain_text(NUMBER)
    expect(main).not_to_contain_text("diagnosen")
    assert_accessible(page)

    page.get_by_role("link", name="Sønnen min har fått d••••••••").first.click()
    expect(page.get_by_role("heading", name="Mulig sensitive opplysninger")).to_be_visible()
    expect(main).to_contain_text("1••••••••••")
    expect(page.get_by_role("link", name="Registrer svaret")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Ikke sensitivt (falskt treff)").click()
    page.get_by_role("button", name="Merk som ikke sensitivt").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Hvorfor er innlegget ikke sensitivt?").fill("Testnummer fra en lærebok.")
    page.get_by_role("button", name="Merk som ikke sensitivt").click()
    expect(page.get_by_role("status").first).to_contain_text("merket som ikke sensitivt")
    expect(main).to_contain_text("Testnummer fra en lærebok.")
    expect(page.get_by_role("link", name="Registrer svaret")).to_be_visible()
    assert_accessible(page)
    assert Post.objects.get(pk=post.pk).screening == ScreeningStatus.DISMISSED
