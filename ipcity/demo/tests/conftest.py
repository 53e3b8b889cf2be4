from ipcity.orgs.tests.fixtures import orgs  # noqa: F401
from ipcity.patents.tests.conftest import sei_snapshot  # noqa: F401
