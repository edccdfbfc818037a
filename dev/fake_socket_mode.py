"""Slack's Socket Mode end, for tests: a WebSocket server the app connects out to.

`pipeline-coach socket` calls `apps.connections.open` (answered by the fake Slack with this
server's ws:// URL), opens a WebSocket, receives `hello`, then envelopes (slash commands,
interactions, events) and acknowledges each by `envelope_id`, as with real Slack. This server
speaks just enough RFC 6455 for that: the handshake, text frames (client frames masked),
ping/pong and close. No Slack SDK import: this is the other side of the wire.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import socket
import struct
import threading
from typing import Any

from dev.fake_slack import FakeSlack

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class FakeSocketMode:
    """Attach to a running FakeSlack: `FakeSocketMode(fake).start()`; then `send(...)`."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.acks: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._client: socket.socket | None = None
        self._listener: socket.socket | None = None
        self._send_lock = threading.Lock()

    # ----- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeSocketMode:
        self._listener = socket.create_server(("127.0.0.1", 0))
        host, port = self._listener.getsockname()[:2]
        self.fake.socket_mode_url = f"ws://{host}:{port}/link/?ticket=fake"
        threading.Thread(target=self._accept_loop, daemon=True, name="fake-socket-mode").start()
        return self

    def stop(self) -> None:
        for sock in (self._client, self._listener):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.close()

    def wait_connected(self, timeout: float = 30.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self._client is not None, timeout=timeout)

    # ----- what Slack sends ----------------------------------------------------------------
    def send(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0) -> str:
        """Deliver an envelope (`slash_commands`, `interactive`, `events_api`); its id."""
        envelope_id = f"env-{next(self._ids)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        self._send_frame(0x1, json.dumps(envelope).encode())
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any] | None:
        with self._cond:
            self._cond.wait_for(lambda: envelope_id in self.acks, timeout=timeout)
            return self.acks.get(envelope_id)

    # ----- the wire ------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        assert self._listener is not None
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = conn.recv(4096)
            if not chunk:
                return
            request += chunk
        headers = {}
        for line in request.decode().split("\r\n")[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + _GUID).encode()).digest()).decode()
        conn.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        with self._cond:
            self._client = conn
            self._cond.notify_all()
        self._send_frame(0x1, json.dumps({"type": "hello", "num_connections": 1}).encode())
        self._read_loop(conn)

    def _read_exact(self, conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _read_loop(self, conn: socket.socket) -> None:
        try:
            while True:
                first, second = self._read_exact(conn, 2)
                opcode, masked, length = first & 0x0F, second & 0x80, second & 0x7F
                if length == 126:
                    (length,) = struct.unpack("!H", self._read_exact(conn, 2))
                elif length == 127:
                    (length,) = struct.unpack("!Q", self._read_exact(conn, 8))
                mask = self._read_exact(conn, 4) if masked else b"\0\0\0\0"
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read_exact(conn, length)))
                if opcode == 0x8:  # close
                    self._send_frame(0x8, data[:2])
                    return
                if opcode == 0x9:  # ping
                    self._send_frame(0xA, data)
                elif opcode == 0x1:
                    message = json.loads(data.decode())
                    if "envelope_id" in message:
                        with self._cond:
                            self.acks[message["envelope_id"]] = message.get("payload") or {}
                            self._cond.notify_all()
        except (ConnectionError, OSError, ValueError):
            return
        finally:
            with self._cond:
                if self._client is conn:
                    self._client = None

    def _send_frame(self, opcode: int, data: bytes) -> None:
        header = bytes([0x80 | opcode])
        if len(data) < 126:
            header += bytes([len(data)])
        elif len(data) < 1 << 16:
            header += bytes([126]) + struct.pack("!H", len(data))
        else:
            header += bytes([127]) + struct.pack("!Q", len(data))
        with self._send_lock:
            if self._client is None:
                raise ConnectionError("no Socket Mode connection")
            self._client.sendall(header + data)
