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
    # The message archive is off by default (docs/client-features.md); the
    # tests' cluster runs with it, and so does every process a test restarts.
    os.environ["TRELLIS_LAUNCH_ARCHIVE_ENABLED"] = "true"
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
