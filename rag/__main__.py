"""``python -m rag``: the command line (rag.cli.main)."""

import sys

from rag.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
