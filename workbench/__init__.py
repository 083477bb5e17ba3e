"""The workbench: align, annotate, check and export bilingual editions."""

__version__ = "0.1.0"
