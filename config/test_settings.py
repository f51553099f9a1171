"""The test suite's settings: ``config.settings`` in test mode, switched on here explicitly
(pyproject's pytest section names this module). The switch is removed from the environment
once read, so servers and commands the tests start run as they would in production."""

import os

os.environ["CMAT_TEST_MODE"] = "1"
try:
    from config.settings import *  # noqa: F403
finally:
    del os.environ["CMAT_TEST_MODE"]
