"""`python -m schedtui`."""

from schedtui.launch import main

main()
