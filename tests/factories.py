"""factory_boy factories for the tracker's models."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from agreements.models import (
    Agreement,
    AgreementKind,
    AgreementMineral,
    AgreementParty,
    AgreementStatus,
    Party,
    PartyKind,
    Person,
    Signature,
    SignatureRole,
    Source,
)
from minerals.models import Mineral


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))
        self.save()


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ("code",)

    # Digits keep generated codes clear of every ISO 3166-1 code.
    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.LazyAttribute(lambda o: f"Organisation {o.code}")
    kind = PartyKind.INTERNATIONAL_ORGANISATION


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Faker("name")


class MineralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mineral
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"mineral-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    title = factory.Sequence(lambda n: f"Critical minerals memorandum {n}")
    kind = AgreementKind.MEMORANDUM_OF_UNDERSTANDING
    status = AgreementStatus.SIGNED
    signed_on = datetime.date(2024, 5, 1)
    is_published = True


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    party = factory.SubFactory(PartyFactory)


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    agreement = factory.SubFactory(AgreementFactory)
    person = factory.SubFactory(PersonFactory)
    role = SignatureRole.SIGNATORY


class AgreementMineralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementMineral

    agreement = factory.SubFactory(AgreementFactory)
    mineral = factory.SubFactory(MineralFactory)
    stages = ["mining"]


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    agreement = factory.SubFactory(AgreementFactory)
    url = factory.Sequence(lambda n: f"https://gov.example/releases/{n}")
    title = "Press release"
