"""``python -m autograder``."""

from autograder.cli import exit_now, main

exit_now(main())
