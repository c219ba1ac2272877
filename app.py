"""The server: the Streamlit app (dashboard.py) and the open-data API (/api/v1/) on one port,
in one process. `streamlit run app.py` finds `app` below and serves both; the API reads
through the app's own cached connection, so it sees exactly what the public pages see.
"""

import socket

import streamlit as st
import uvicorn

from indicators.opendata.routes import routes


def connection():
    # imported on the first request, once Streamlit's runtime (and its caches) exists
    from indicators.ui import data

    return data.con()


def without_nagle(startup):
    """uvicorn's `Server.startup`, first switching Nagle's algorithm off on the listening
    sockets (accepted connections inherit it).

    Streamlit binds its socket as `socket.socket(family)`, whose protocol number is 0, and
    asyncio sets TCP_NODELAY only on sockets whose protocol is IPPROTO_TCP; uvicorn writes a
    response's headers and body in two sends, so on a kept-alive connection the body waited for
    the client's delayed ACK: 40 ms added to every answer after a connection's first few
    (bench/api.py: the bare health check took 44 ms at p50, 2 ms without keep-alive)."""
    if getattr(startup, "without_nagle", False):
        return startup

    async def wrapped(self, sockets=None):
        for sock in sockets or []:
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return await startup(self, sockets=sockets)

    wrapped.without_nagle = True
    return wrapped


# app.py is imported by uvicorn's Server before it starts listening (Config.load, then startup)
uvicorn.Server.startup = without_nagle(uvicorn.Server.startup)
app = st.App("dashboard.py", routes=routes(connection))
