"""Streamlit-only helpers. The only part of `indicators` that imports streamlit."""
