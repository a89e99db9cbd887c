"""claimwatch: watch how the news covers a story."""

__version__ = "0.1.0"
