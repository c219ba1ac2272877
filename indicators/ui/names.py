"""The screens' names and formats: indicators.names, which the yearly report shares without
importing streamlit (this package's __init__ does); kept here for the pages that import it."""

from indicators.names import SYNTHETIC_MARK, Names, missing

__all__ = ["SYNTHETIC_MARK", "Names", "missing"]
