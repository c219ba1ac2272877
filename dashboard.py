"""Entry point: settings, who the user is, and the pages that role may see."""

import streamlit as st

from indicators.ui import language, navigation, session

st.set_page_config(page_title="District Sustainability Monitor", page_icon="🌳", layout="wide")

actor = session.actor()
lang = language.selector()

sections: dict[str, list] = {}
for screen in navigation.screens_for(actor.role):
    page = st.Page(
        screen.path,
        title=language.t(screen.title_key),
        icon=screen.icon,
        url_path=screen.url_path,
        default=screen.default,
    )
    sections.setdefault(language.t(screen.section), []).append(page)

st.navigation(sections).run()
