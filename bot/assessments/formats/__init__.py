"""Results export formats: the shared grid layer, one module per format, and the registry."""
