"""Checks against the compose cluster that scripts/compose-smoke runs; they
reuse the end-to-end tests' clients (Tests/EndToEnd: slixmpp, strophe.js in
Chromium) and point them at compose's published loopback ports."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "EndToEnd"))

from compose_cluster import ComposeCluster  # noqa: E402


@pytest.fixture(scope="session")
def cluster():
    if "TRELLIS_COMPOSE_PROJECT" not in os.environ:
        pytest.fail("no compose cluster in the environment: scripts/compose-smoke starts one and runs these checks")
    return ComposeCluster.from_environment()
