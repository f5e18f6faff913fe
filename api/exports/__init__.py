"""Files people take out of the system: XLSX and CSV tables, PDF documents, each written by a
well-kept library (openpyxl, reportlab), shared by every feature that exports or prints."""
