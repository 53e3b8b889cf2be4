"""/api/plan: the plan's structure and indicators (structure_api). Progress reports (/api/plan/reports)
are the reporting app's router (ipcity.reporting.api), added beside this one in config/api.py."""

from ninja import Router

from .structure_api import router as structure_router

router = Router(tags=["plan"])
router.add_router("", structure_router)
