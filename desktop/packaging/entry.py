"""The packaged executable's entry point: the CLI, which opens the desktop with no arguments."""

import multiprocessing
import sys

from engine.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
