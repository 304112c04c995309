import sys

from perfcount.cli import main

sys.exit(main())
