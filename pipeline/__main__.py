"""``python -m pipeline`` runs the claimwatch command line."""

from .entry import main

main()
