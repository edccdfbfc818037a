"""A TCP proxy on the loopback that can misbehave like a network or a database host.

Put it between the app and PostgreSQL (`TcpProxy.for_url(url)`, then connect to
`proxy.url`) and switch what it does while the app runs:

- `heal()`: forward bytes both ways (the default).
- `refuse()`: stop listening, so new connections get ECONNREFUSED (a server that is down);
  connections already open keep working, as they would while a server restarts its listener.
- `reset()`: reset (RST) every open connection, and each new one as soon as it is accepted
  (a server that crashed or a middlebox that dropped its state).
- `black_hole()`: accept new connections but never forward a byte, and stop forwarding on
  open ones (a host that vanished from the network: nothing answers, nothing fails).

Plain sockets and threads, no dependency; each connection has two pump threads that look at the
mode between reads (every 50 ms), so a switch takes effect at once.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
from typing import Self

from sqlalchemy.engine import make_url

PASS, REFUSE, RESET, BLACK_HOLE = "pass", "refuse", "reset", "black_hole"


class TcpProxy:
    """Forwards 127.0.0.1:`port` to `target`; see the module docstring for the modes."""

    def __init__(self, target_host: str, target_port: int, *, port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.mode = PASS
        self.port = port
        self.accepted = 0  # connections accepted so far (whatever happened to them)
        self._guard = threading.Lock()
        self._listener: socket.socket | None = None
        self._pairs: list[tuple[socket.socket, socket.socket | None]] = []
        self._stopped = threading.Event()
        self._acceptor: threading.Thread | None = None

    @classmethod
    def for_url(cls, database_url: str) -> TcpProxy:
        url = make_url(database_url)
        return cls(url.host or "127.0.0.1", url.port or 5432)

    def url(self, database_url: str, **query: str) -> str:
        """`database_url` pointed at the proxy (extra query parameters: `application_name`…)."""
        url = make_url(database_url).set(host="127.0.0.1", port=self.port)
        if query:
            url = url.update_query_dict(query)
        return url.render_as_string(hide_password=False)

    # ----- lifecycle -------------------------------------------------------------------------
    def start(self) -> Self:
        self._listen()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._close_listener()
        self._drop_all(reset=False)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ----- modes -----------------------------------------------------------------------------
    def heal(self) -> None:
        self.mode = PASS
        if self._listener is None:
            self._listen()

    def refuse(self) -> None:
        self.mode = REFUSE
        self._close_listener()

    def reset(self) -> None:
        self.mode = RESET
        if self._listener is None:
            self._listen()
        self._drop_all(reset=True)

    def black_hole(self) -> None:
        self.mode = BLACK_HOLE
        if self._listener is None:
            self._listen()

    @property
    def open_connections(self) -> int:
        with self._guard:
            return len(self._pairs)

    # ----- internals -------------------------------------------------------------------------
    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), name="proxy-accept", daemon=True)
        self._acceptor.start()

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopped.is_set() and self._listener is listener:
            try:
                ready, _, _ = select.select([listener], [], [], 0.05)
                if not ready:
                    continue
                client, _ = listener.accept()
            except (OSError, ValueError):
                return
            self.accepted += 1
            if self.mode == RESET:
                _hard_close(client)
                continue
            upstream: socket.socket | None = None
            if self.mode != BLACK_HOLE:
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                except OSError:
                    _hard_close(client)
                    continue
            with self._guard:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), name="proxy-pump", daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket | None) -> None:
        """Both directions of one connection, in one thread (select over the two sockets)."""
        try:
            while not self._stopped.is_set():
                if upstream is None or self.mode == BLACK_HOLE:
                    if self.mode == PASS and upstream is None:
                        return  # accepted while black-holed: that connection never worked
                    if self.mode == RESET:
                        return
                    self._stopped.wait(0.05)
                    continue
                if self.mode == RESET:
                    return
                ready, _, _ = select.select([client, upstream], [], [], 0.05)
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is client else client).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            self._forget(client, upstream, reset=self.mode == RESET)

    def _forget(self, client: socket.socket, upstream: socket.socket | None, *, reset: bool) -> None:
        with self._guard:
            self._pairs = [p for p in self._pairs if p[0] is not client]
        for sock in (client, upstream):
            if sock is None:
                continue
            if reset:
                _hard_close(sock)
            else:
                with contextlib.suppress(OSError):
                    sock.close()

    def _drop_all(self, *, reset: bool) -> None:
        with self._guard:
            pairs, self._pairs = self._pairs, []
        for client, upstream in pairs:
            for sock in (client, upstream):
                if sock is None:
                    continue
                if reset:
                    _hard_close(sock)
                else:
                    with contextlib.suppress(OSError):
                        sock.close()


def _hard_close(sock: socket.socket) -> None:
    """Close with an RST instead of a FIN (SO_LINGER on, zero timeout)."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()
