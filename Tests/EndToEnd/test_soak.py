"""Issue #14, the hostile-input soak, small: 300 bad connections over 20 s
against two c2s nodes of a cluster of its own while a numbered message stream
runs (Tests/EndToEnd/soak.py; the long one is `scripts/soak`, docs/operations.md).
Every bad client gets its RFC 6120 stream error and is disconnected, half-open
peers and slow readers are dropped, the stream loses and reorders nothing, and
the c2s memory and file descriptors come back near their baseline."""

import soak
from cluster import own_cluster
from conftest import TEST_NET


def test_hostile_clients_are_answered_and_dropped_while_the_stream_loses_nothing():
    soak.raise_fd_limit()
    with own_cluster(TEST_NET, 5, soak.cluster_settings(fast=True), routers=1, c2s=2, bosh=0) as cluster:
        run = soak.Soak(cluster, connections=300, seconds=20, fast=True, seed=14)
        run.prepare()
        figures = run.execute()
    print("\n" + soak.report(figures))
    found = soak.problems(figures, soak.RSS_GROWTH_MB, soak.FINAL_GROWTH_MB)
    assert not found, "\n".join(found)
    assert set(figures["kinds"]) == set(soak.KINDS)
