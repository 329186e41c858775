"""`python -m plaint.cli`: the plaint command, as the tests and cron jobs without the script run it."""

from plaint.cli import main

main()
