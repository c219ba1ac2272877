"""Entry point: settings, who the user is, and the pages that role may see.

The role is decided again on every rerun (indicators.ui.session.actor: st.user's e-mail claim
looked up in the app's user table), and st.navigation gets only that role's pages, so a page
that is not given cannot be opened, also not by typing its address.
"""

import streamlit as st

from indicators.ui import data, language, navigation, session

st.set_page_config(page_title="District Sustainability Monitor", page_icon="🌳", layout="wide")

data.require_database()
actor = session.actor()
lang = language.selector()
session.sidebar(actor)

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

if not sections:  # no page file of this role exists (yet): an empty app, not an error

    def _empty() -> None:
        st.title(language.t("app_title"))

    sections[""] = [st.Page(_empty, title=language.t("app_title"), default=True)]

session.explain_refused_address(actor)
# every page of the role is listed: at most a dozen, never hidden behind "View more"
st.navigation(sections, expanded=True).run()
