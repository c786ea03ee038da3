"""PDF reader: pages laid out in reading order, classified blocks, metadata (the only module that imports pdfplumber)."""
from .reader import parse_pdf

__all__ = ["parse_pdf"]
