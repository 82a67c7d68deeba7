"""``python -m sim`` is the ``govsim`` command."""

import sys

from sim.cli import main

sys.exit(main())
