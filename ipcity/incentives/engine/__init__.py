"""The incentive rules engine: pure Python, no Django.

Dated parameters with clause references, facts -> amount with Decimal throughout and one rounding
(half up, to the fen), a bilingual trace citing the plan clause of every step, caps of three kinds
(per item/application, per entity per year, yearly quota) and what-if reforms over a batch.
"""

from .batch import applications_from_table, read_batch
from .catalogue import Catalogue, parse_overrides
from .errors import EngineError, FactError, PolicyError, UnknownScheme
from .facts import COMMON_FACTS, FactSpec
from .loader import load_schemes
from .model import AmountRule, Condition, Result, Scheme, TraceStep
from .money import round_fen
from .parameters import DatedValue, Override, Parameter
from .rules import Context, ParameterNotSet

__all__ = [
    "COMMON_FACTS",
    "AmountRule",
    "Catalogue",
    "Condition",
    "Context",
    "DatedValue",
    "EngineError",
    "FactError",
    "FactSpec",
    "Override",
    "Parameter",
    "ParameterNotSet",
    "PolicyError",
    "Result",
    "Scheme",
    "TraceStep",
    "UnknownScheme",
    "load_schemes",
    "parse_overrides",
    "applications_from_table",
    "read_batch",
    "round_fen",
]
