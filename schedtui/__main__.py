"""`python -m schedtui`."""

from schedtui.cli import main

main()
