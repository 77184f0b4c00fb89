"""The service's settings, plus a bare JSON view to measure the HTTP stack against."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
