"""A lean WebSocket client for the live benchmark's parents (RFC 6455, no extensions).

Thousands of parents on the benchmark's own two cores: with the websockets library a client
process spent ~40 µs of CPU per received frame (its frame objects, UTF-8 check, queue and
async iterator per message), about as much as the server spent delivering it, so the
benchmark measured its clients as much as the server. This one is an asyncio `Protocol`:
the handshake, masked text frames out, and frames in parsed straight from the bytes a read
brings (several frames per read under load), answering pings (WebSocket and
graphql-transport-ws) itself. Each received text message goes to `on_text` as bytes.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
from collections.abc import Callable

_OP_CONTINUATION, _OP_TEXT, _OP_CLOSE, _OP_PING = 0x0, 0x1, 0x8, 0x9
_OP_PONG = 0xA
_FINAL_TEXT = 0x80 | _OP_TEXT


class HandshakeFailed(Exception):
    pass


def frame(payload: bytes, opcode: int = _OP_TEXT) -> bytes:
    """One final client frame (masked, as RFC 6455 asks of clients)."""
    mask = os.urandom(4)
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
    key = int.from_bytes(mask * (size // 4 + 1), "big") >> (8 * (4 - size % 4))
    masked = (int.from_bytes(payload, "big") ^ key).to_bytes(size, "big") if size else b""
    return header + mask + masked


class LeanWebSocket(asyncio.Protocol):
    """One client connection; `opened` resolves after the server's 101."""

    def __init__(self, host: str, port: int, path: str, subprotocol: str) -> None:
        self.transport: asyncio.Transport | None = None
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.on_text: Callable[[bytes], None] = lambda data: None
        self._request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
            f"Sec-WebSocket-Protocol: {subprotocol}\r\n\r\n"
        ).encode()
        self._buffer = bytearray()
        self._fragments: list[bytes] = []
        self._upgraded = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # (uvloop's: no subclass)
        transport.write(self._request)

    def send_text(self, text: str) -> None:
        assert self.transport is not None
        self.transport.write(frame(text.encode()))

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(frame(struct.pack("!H", 1000), _OP_CLOSE))
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(HandshakeFailed(str(exc or "connection closed")))
        if not self.closed.done():
            self.closed.set_result(None)

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        if self._upgraded and not buffer:
            # The usual case: whole frames, nothing kept from before; parsed from the bytes
            # as they came (no copy into the buffer and out again).
            end = self._whole_frames(data)
            if end == len(data):
                return
            data = data[end:]
        buffer += data
        if not self._upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buffer[: buffer.find(b"\r\n")])
            del buffer[: end + 4]
            if b" 101 " not in status:
                self.opened.set_exception(HandshakeFailed(status.decode(errors="replace")))
                assert self.transport is not None
                self.transport.close()
                return
            self._upgraded = True
            self.opened.set_result(None)
        self._frames(buffer)

    def _frames(self, buffer: bytearray) -> None:
        at = self._whole_frames(buffer)
        if at:
            del buffer[:at]

    def _whole_frames(self, data: bytes | bytearray) -> int:
        """Handle the frames `data` holds whole, from its start: where they end."""
        at = 0
        size = len(data)
        while size - at >= 2:
            length = data[at + 1] & 0x7F
            start = at + 2
            if length == 126:
                if size - at < 4:
                    break
                length = (data[at + 2] << 8) | data[at + 3]
                start = at + 4
            elif length == 127:
                if size - at < 10:
                    break
                (length,) = struct.unpack_from("!Q", data, at + 2)
                start = at + 10
            end = start + length
            if end > size:
                break
            payload = data[start:end]
            if payload.__class__ is not bytes:
                payload = bytes(payload)
            if data[at] == _FINAL_TEXT and not self._fragments:
                self.on_text(payload)  # (the usual frame: one call less per frame)
            else:
                self._frame(data[at], payload)
            at = end
        return at

    def _frame(self, first: int, payload: bytes) -> None:
        opcode = first & 0x0F
        if opcode == _OP_PING:
            assert self.transport is not None
            self.transport.write(frame(payload, _OP_PONG))
        elif opcode == _OP_CLOSE:
            self.close()
        elif opcode in (_OP_TEXT, _OP_CONTINUATION):
            if not first & 0x80:  # a fragment: the message goes on
                self._fragments.append(payload)
                return
            if self._fragments:
                payload = b"".join([*self._fragments, payload])
                self._fragments.clear()
            self.on_text(payload)


async def connect(host: str, port: int, path: str, subprotocol: str) -> LeanWebSocket:
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(
        lambda: LeanWebSocket(host, port, path, subprotocol), host, port
    )
    await protocol.opened
    return protocol
