import os
import shutil
import tempfile

import pytest

from cluster import Cluster

# Tests use their own loopback network so a developer's `scripts/trellis up`
# (127.0.0.x) can keep running beside them.
TEST_NET = os.environ.get("TRELLIS_TEST_NET", "127.0.77")


@pytest.fixture(scope="session")
def cluster():
    run_dir = tempfile.mkdtemp(prefix="trellis-e2e-")
    cluster = Cluster(run_dir, TEST_NET, routers=2, c2s=2, bosh=2)
    try:
        cluster.up()
        yield cluster
    finally:
        cluster.down()
        if os.environ.get("TRELLIS_KEEP_RUN_DIR"):
            print(f"cluster run dir kept: {run_dir}")
        else:
            shutil.rmtree(run_dir, ignore_errors=True)
