"""vidgen: make AI video from text, judge its temporal consistency, prove its provenance."""

__version__ = "0.1.0"
