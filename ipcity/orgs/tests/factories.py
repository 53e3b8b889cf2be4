"""factory_boy factories for organisations (valid USCCs with a correct check character)."""

import factory

from ipcity.core.identifiers.uscc import check_character
from ipcity.orgs.models import Certification, Entity


def _uscc(n: int) -> str:
    prefix = f"91370600MA3F{n:05d}"
    return prefix + check_character(prefix)


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    uscc = factory.Sequence(_uscc)
    name = factory.Sequence(lambda n: f"烟台工厂测试{n}有限公司")
    kind = "enterprise"


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    entity = factory.SubFactory(EntityFactory)
    kind = "gbt29490"
    level = "municipal"
    year = factory.Sequence(lambda n: 2000 + n % 25)
    source = "烟台市贯标企业名单"
