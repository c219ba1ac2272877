"""A Streamlit client without a browser: it speaks the app's own websocket protocol as the
browser does, so a load test or a test can open sessions and run pages by the hundred.

The browser opens `/_stcore/stream` with the subprotocol `streamlit`, then sends a BackMsg
`rerun_script` (a ClientState: the query string, the page's url path, the hashes of the large
messages it has cached) for every page it shows; the server answers with ForwardMsgs (deltas of
the page) and ends each run with `script_finished`. Large elements the client already holds are
sent as a `ref_hash` instead of again, as to a browser: this client keeps the hashes the server
marks cacheable and sends them back, as the browser's message cache does.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


@dataclass
class Run:
    """What one page run gave back: its time from request to script_finished, and the
    problems a viewer would see (an exception box, an unknown page, a failed run)."""

    seconds: float
    messages: int
    bytes: int
    errors: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


class Session:
    """One browser tab: one websocket, one server-side session, runs one page at a time."""

    def __init__(self, ws: ClientConnection, *, keep_text: bool = False) -> None:
        self.ws = ws
        self.cached: set[str] = set()
        self.keep_text = keep_text

    async def run(self, page: str, query: str = "", *, timeout: float = 120.0) -> Run:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        msg.rerun_script.cached_message_hashes.extend(self.cached)
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        run = Run(0.0, 0, 0)
        deadline = started + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                run.errors.append(f"no script_finished within {timeout:.0f} s")
                break
            try:
                raw = await _recv(self.ws, remaining)
            except TimeoutError:
                continue
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            run.messages += 1
            run.bytes += len(raw)
            if forward.metadata.cacheable and forward.hash:
                self.cached.add(forward.hash)
            kind = forward.WhichOneof("type")
            if kind == "delta":
                self._delta(forward, run)
            elif kind == "page_not_found":
                run.errors.append(f"page not found: {page!r}")
            elif kind == "script_finished":
                if forward.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the server reruns at once (st.rerun, a new session's first run)
                if forward.script_finished not in FINISHED:
                    run.errors.append(
                        f"script finished with {ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished)}"
                    )
                break
        run.seconds = time.perf_counter() - started
        return run

    def _delta(self, forward: ForwardMsg, run: Run) -> None:
        delta = forward.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.errors.append(f"{element.exception.type}: {element.exception.message}"[:300])
        elif self.keep_text and kind in ("markdown", "heading", "alert", "text"):
            body = getattr(element, kind).body
            run.texts.append(body)


async def _recv(ws: ClientConnection, timeout: float) -> bytes:
    return await asyncio.wait_for(ws.recv(decode=False), timeout)


async def open_session(base_url: str, *, keep_text: bool = False) -> Session:
    """A new session on the app at base_url (http://host:port), as a new browser tab opens one."""
    url = base_url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
    ws = await connect(
        url,
        subprotocols=["streamlit"],
        max_size=None,  # a page of tables and charts can be several megabytes
        open_timeout=60,
        ping_interval=None,
    )
    return Session(ws, keep_text=keep_text)
