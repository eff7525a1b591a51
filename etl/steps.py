"""Registry of the build steps that later sources add after the foundation.

Each module imported here appends a ``BuildStep`` to ``etl.build.EXTRA_STEPS``.
"""

import etl.progress_step  # noqa: F401  (issue 5: published figures, employment, projects)
from etl import redraw  # noqa: E402,F401  (redraw tables: 2018 -> 2023)
