"""Demo accounts: some covered, one below coverage, one suspended, one closed."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from moskenes_social.people.models import Unit, User

from .models import Account, Platform, ResponsibilityRole
from .services import (
    account_check_in,
    account_close,
    account_register_existing,
    account_suspend,
    responsibility_assign,
)


@dataclass(frozen=True)
class DemoAccount:
    unit: str
    platform: Platform
    name: str
    handle: str
    url: str
    contact_person: str
    contact_title: str
    contact_email: str
    homepage: str
    official_since: date
    owner: str
    responders: tuple[str, ...]
    backups: tuple[str, ...] = ()
    # "suspended" or "closed", reached through the services after registering.
    end_state: str = ""


DEMO_ACCOUNTS = [
    DemoAccount(
        unit="radmannens-stab",
        platform=Platform.FACEBOOK,
        name="",  # the municipality's own page: named from settings
        handle="moskeneskommune",
        url="https://www.facebook.com/moskeneskommune",
        contact_person="Kari Kommunikasjon",
        contact_title="Kommunikasjonsrådgiver",
        contact_email="postmottak@moskenes.kommune.no",
        homepage="https://www.moskenes.kommune.no",
        official_since=date(2016, 2, 1),
        owner="radmann",
        responders=("kommunikasjon",),
        backups=("kriseleder",),
    ),
    DemoAccount(
        unit="reine-skole",
        platform=Platform.FACEBOOK,
        name="Reine skole",
        handle="reineskole",
        url="https://www.facebook.com/reineskole",
        contact_person="Lise Leder",
        contact_title="Rektor",
        contact_email="reine.skole@moskenes.kommune.no",
        homepage="https://www.moskenes.kommune.no/reine-skole",
        official_since=date(2017, 8, 15),
        owner="leder",
        responders=("ansatt",),
        backups=("kommunikasjon",),
    ),
    DemoAccount(
        unit="reine-skole",
        platform=Platform.INSTAGRAM,
        name="Reine skole – elevrådet",
        handle="reine_skole",
        url="https://www.instagram.com/reine_skole",
        contact_person="Lise Leder",
        contact_title="Rektor",
        contact_email="reine.skole@moskenes.kommune.no",
        homepage="https://www.moskenes.kommune.no/reine-skole",
        official_since=date(2021, 9, 1),
        owner="leder",
        # One person who can answer: below coverage, so the flag shows.
        responders=("ansatt",),
    ),
    DemoAccount(
        unit="kultur-og-fritid",
        platform=Platform.INSTAGRAM,
        name="Kultur og fritid",
        handle="moskeneskultur",
        url="https://www.instagram.com/moskeneskultur",
        contact_person="Kari Kommunikasjon",
        contact_title="Kommunikasjonsrådgiver",
        contact_email="kultur@moskenes.kommune.no",
        homepage="https://www.moskenes.kommune.no/kultur",
        official_since=date(2019, 5, 2),
        owner="radmann",
        responders=("kommunikasjon", "ansatt"),
    ),
    DemoAccount(
        unit="helse-og-omsorg",
        platform=Platform.FACEBOOK,
        name="Helsestasjonen",
        handle="helsestasjonenmoskenes",
        url="https://www.facebook.com/helsestasjonenmoskenes",
        contact_person="",
        contact_title="",
        contact_email="helse@moskenes.kommune.no",
        homepage="https://www.moskenes.kommune.no/helse",
        official_since=date(2018, 3, 1),
        owner="radmann",
        responders=("kommunikasjon",),
        end_state="suspended",
    ),
    DemoAccount(
        unit="reine-skole",
        platform=Platform.X,
        name="Reine skole – nyheter",
        handle="reineskole",
        url="https://x.com/reineskole",
        contact_person="Lise Leder",
        contact_title="Rektor",
        contact_email="reine.skole@moskenes.kommune.no",
        homepage="",
        official_since=date(2016, 1, 10),
        owner="leder",
        responders=("ansatt",),
        end_state="closed",
    ),
]


def seed_demo(*, users: dict[str, User], units: dict[str, Unit]) -> None:
    """Register the demo accounts through the services; skip those that exist."""
    radmann = users["radmann"]
    for spec in DEMO_ACCOUNTS:
        if Account.objects.filter(platform=spec.platform, handle__iexact=spec.handle).exists():
            continue
        account = account_register_existing(
            actor=radmann,
            unit=units[spec.unit],
            platform=spec.platform,
            name=spec.name or settings.MUNICIPALITY_NAME,
            handle=spec.handle,
            url=spec.url,
            contact_instance=f"{settings.MUNICIPALITY_NAME}, {units[spec.unit].name}",
            contact_person=spec.contact_person,
            contact_title=spec.contact_title,
            contact_email=spec.contact_email,
            homepage=spec.homepage,
            official_since=spec.official_since,
            owner=users[spec.owner],
            responders=[users[name] for name in spec.responders],
            note="Kontoen fantes før veilederen ble tatt i bruk i appen (demodata).",
        )
        for name in spec.backups:
            responsibility_assign(
                actor=radmann, account=account, user=users[name], role=ResponsibilityRole.BACKUP
            )
        if spec.end_state == "suspended":
            account_suspend(
                actor=radmann,
                account=account,
                reason="Helsestasjonen mangler bemanning til å følge opp kontoen i sommer.",
            )
        elif spec.end_state == "closed":
            account_close(
                actor=radmann,
                account=account,
                reason="Skolen bruker ikke lenger X; Facebook-siden er kanalen.",
            )
        elif spec.responders:
            account_check_in(actor=users[spec.responders[0]], account=account)
