"""The catalog's services: the only code that writes catalog rows, one transaction per change."""
