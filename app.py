"""The server: the Streamlit app (dashboard.py) and the open-data API (/api/v1/) on one port,
in one process. `streamlit run app.py` finds `app` below and serves both; the API reads
through the app's own cached connection, so it sees exactly what the public pages see.
"""

import streamlit as st

from indicators.opendata.routes import routes


def connection():
    # imported on the first request, once Streamlit's runtime (and its caches) exists
    from indicators.ui import data

    return data.con()


app = st.App("dashboard.py", routes=routes(connection))
