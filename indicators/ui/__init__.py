"""Streamlit-only helpers. The only part of `indicators` that imports streamlit."""


# ---- navigation guard (log-in and roles, issue 6)
def _pages_only_through_dashboard() -> None:
    """Streamlit treats the `pages/` folder beside dashboard.py as an old-style multipage app
    until the first `st.navigation` call of the process, so the first session of a new server
    could open any file in pages/ by its URL without dashboard.py deciding the role. Every page
    imports indicators.ui, so this runs before any page draws: switch the old mode off and rerun
    through dashboard.py, whose st.navigation holds only the pages of the user's role."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    if PagesManager.uses_pages_directory and get_script_run_ctx(suppress_warning=True):
        PagesManager.uses_pages_directory = False
        import streamlit as st

        st.rerun()


_pages_only_through_dashboard()
