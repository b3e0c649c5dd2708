"""Development settings: the explicit development mode of kefu.settings (DEBUG on, localhost only, public
development keys). Used by pytest (pyproject's DJANGO_SETTINGS_MODULE); `./dev` exports KEFU_DEV=1 instead."""

import os

os.environ["KEFU_DEV"] = "1"

from kefu.settings import *  # noqa: E402,F403
