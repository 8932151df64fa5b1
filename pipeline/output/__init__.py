"""Output: PDF and image work for the bundle, its fonts and layout, and the report writers."""
