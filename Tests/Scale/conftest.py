"""The scale drill reuses the end-to-end helpers (cluster.py, the raw clients,
scale_drill.py) and the end-to-end network setting (TRELLIS_TEST_NET)."""

import importlib.util
import os
import sys

END_TO_END = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "EndToEnd")
sys.path.insert(0, END_TO_END)

_spec = importlib.util.spec_from_file_location("end_to_end_conftest", os.path.join(END_TO_END, "conftest.py"))
_end_to_end = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_end_to_end)
TEST_NET = _end_to_end.TEST_NET
