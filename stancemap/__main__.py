"""``python -m stancemap`` runs the command line."""

import sys

from stancemap.cli import main

sys.exit(main())
