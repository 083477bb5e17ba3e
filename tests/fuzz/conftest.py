"""Hypothesis profiles: a few examples per reader in ``make test`` (seconds in total), many in
``make fuzz`` (``HYPOTHESIS_PROFILE=fuzz``). No example database is written into the repository."""

from __future__ import annotations

import os
import tempfile

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps a cache folder (.hypothesis/); not in the working tree.
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "workbench-hypothesis"))

_COMMON = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                          HealthCheck.function_scoped_fixture]}
settings.register_profile("default", max_examples=8, derandomize=True, **_COMMON)
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "1500")), **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
