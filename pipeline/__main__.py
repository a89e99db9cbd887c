"""``python -m pipeline`` runs the claimwatch command line."""

from .cli import main

main()
