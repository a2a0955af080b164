"""Issue 14, the full scale drill (docs/clustering.md, "At 24 processes"),
run by `scripts/drill-scale`, not by CI: 1,000 users (TRELLIS_DRILL_USERS)
on a 24-process cluster of its own, on $TRELLIS_TEST_NET + 4, built with
TRELLIS_DRILL_CONFIGURATION (release by default)."""

import asyncio
import os

from cluster import own_cluster
from conftest import TEST_NET
from scale_drill import SETTINGS, SHAPE, check_drill, print_figures, run_drill

USERS = int(os.environ.get("TRELLIS_DRILL_USERS", "1000"))
CONFIGURATION = os.environ.get("TRELLIS_DRILL_CONFIGURATION", "release")
RATE = float(os.environ.get("TRELLIS_DRILL_RATE", "600"))


def test_24_processes_1000_users_on_every_node_kill_a_router_lose_nothing():
    with own_cluster(TEST_NET, 4, SETTINGS, configuration=CONFIGURATION, **SHAPE) as cluster:
        figures = asyncio.run(asyncio.wait_for(
            run_drill(cluster, users=USERS, messages_per_stream=20, recipients=2, rate=RATE), 1200))
        print_figures(figures, f"scale drill, {USERS} users, {CONFIGURATION} build")
        check_drill(figures)
