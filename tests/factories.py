"""Typed factories for the models every test needs."""

from typing import Any, cast

import factory
from django.contrib.auth.models import Group

from moskenes_social.people.models import Unit, User
from moskenes_social.people.roles import Role

PASSWORD = "demo-passord-123"


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Enhet {n}")
    slug = factory.Sequence(lambda n: f"enhet-{n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruker{n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    unit = factory.SubFactory(UnitFactory)

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: Any) -> None:
        if create and extracted:
            # get_or_create: a transactional test's flush removes the groups that the data
            # migration made, so later tests in the same run would silently get no role.
            self.groups.add(*(Group.objects.get_or_create(name=r.value)[0] for r in extracted))


def make_unit(**kwargs: Any) -> Unit:
    return cast(Unit, UnitFactory(**kwargs))


def make_user(**kwargs: Any) -> User:
    return cast(User, UserFactory(**kwargs))
