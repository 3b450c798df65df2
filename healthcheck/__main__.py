"""Allow `python -m healthcheck`."""

from healthcheck.cli import main

main()
