"""The server's connections send each answer at once: app.py switches Nagle's algorithm off on
the socket Streamlit binds (asyncio would only do it for a socket made with IPPROTO_TCP), so a
kept-alive connection's answer does not wait for the client's delayed ACK.

A real uvicorn server on a socket bound the way Streamlit binds it, and a real client."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

import uvicorn

import app  # noqa: F401  (as `streamlit run app.py` does, before the server starts)


async def _hello(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hello"})


async def _nodelay_of_an_accepted_connection() -> int:
    listener = socket.socket(family=socket.AF_INET)  # as Streamlit's _bind_socket: protocol 0
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(_hello, lifespan="off", log_level="warning"))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        await reader.readuntil(b"hello")
        (connection,) = server.server_state.connections
        accepted = connection.transport.get_extra_info("socket")
        writer.close()
        return accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        server.should_exit = True
        await serving
        listener.close()


def test_the_servers_connections_do_not_wait_to_gather_small_writes():
    assert getattr(uvicorn.Server.startup, "without_nagle", False)  # importing app.py did it
    # a loop of its own in a thread of its own: an earlier test (a browser's, an app's) may
    # have left an event loop running in this thread
    with ThreadPoolExecutor(max_workers=1) as pool:
        nodelay = pool.submit(lambda: asyncio.run(_nodelay_of_an_accepted_connection()))
        assert nodelay.result(timeout=60) != 0


def test_wrapping_startup_twice_wraps_it_once():
    from app import without_nagle

    assert without_nagle(uvicorn.Server.startup) is uvicorn.Server.startup
