"""PDF reader: pages laid out in reading order, classified blocks, metadata (the only module that imports pdfplumber)."""
from .reader import parse_pdf, unread_warning, why_no_ocr

__all__ = ["parse_pdf", "unread_warning", "why_no_ocr"]
