"""shopdir: a static site generator for curated shop directories."""

__version__ = "0.1.0"
