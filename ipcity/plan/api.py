"""/api/plan: the plan's structure and indicators (structure_api) and progress reports (report_api)."""

from ninja import Router

from .report_api import router as report_router
from .structure_api import router as structure_router

router = Router(tags=["plan"])
router.add_router("", structure_router)
router.add_router("/reports", report_router)
