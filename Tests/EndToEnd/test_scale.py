"""Issue 14, the reduced scale drill CI runs: the 24-process shape (7 routers,
6 c2s, 8 BOSH gateways, redis, storage, nginx) on a cluster of its own, 100
users logged in across every c2s node and every gateway, numbered streams
between users on different nodes while one router is killed with -9, then one
c2s node killed for the sweeper. The full drill (1,000 users) is
`scripts/drill-scale` (Tests/Scale); both share scale_drill.py."""

import asyncio

from cluster import own_cluster
from conftest import TEST_NET
from scale_drill import SETTINGS, SHAPE, check_drill, print_figures, run_drill


def test_24_processes_100_users_on_every_node_kill_a_router_lose_nothing():
    with own_cluster(TEST_NET, 4, SETTINGS, **SHAPE) as cluster:
        figures = asyncio.run(asyncio.wait_for(
            run_drill(cluster, users=100, messages_per_stream=20, recipients=2, rate=250.0), 300))
        print_figures(figures, "scale drill, 100 users")
        check_drill(figures)
