"""Background job handlers of the periodic assessment, one module per area (discovered by the jobs app
through this package: add the module to the import below)."""

import assessment.jobs.adverse  # noqa: F401
import assessment.jobs.enrolments  # noqa: F401
import assessment.jobs.results  # noqa: F401
from assessment.jobs import certificates  # noqa: F401
