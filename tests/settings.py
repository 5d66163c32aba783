"""The settings the test suite runs with: the site's own, from the same environment, with the
benchmark's baselines installed so that their app is tested too (see BENCHMARK_BASELINES)."""

import os

os.environ["BENCHMARK_BASELINES"] = "1"

from config.settings import *  # noqa: E402, F403
