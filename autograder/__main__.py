"""``python -m autograder``."""

import atexit
import os
import sys

from autograder.cli import main

code = main()
# Exit without the interpreter's teardown of numpy, scipy and otter (about 50 ms, which every
# cold Gradescope submission would pay); exit handlers still run and the streams are flushed.
atexit._run_exitfuncs()
for stream in (sys.stdout, sys.stderr):
    stream.flush()
os._exit(code)
