"""A small SMTP server on loopback for tests: it counts the messages it accepts and can hold
the first two conversations at a chosen step, so that a test can kill the client there.

Held while ``holding`` is set (the first conversations to reach DATA, in order):

1. ``AFTER_ACCEPT``: the message is accepted (``250`` after its data) and counted; the
   reply to QUIT waits. Django's SMTP backend is then inside ``send_mail``, after the
   server's acceptance and before the row's update: the window of a duplicate.
2. ``BEFORE_DATA``: the reply to DATA waits; the message has not been sent.

``release()`` ends the holds; every later conversation is answered at once.
"""

import email
import enum
import socketserver
import threading
from collections import Counter
from typing import Self


class Hold(enum.Enum):
    AFTER_ACCEPT = "after accept"
    BEFORE_DATA = "before data"


class LoopbackSMTP:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[str] = []
        self._holds = [Hold.AFTER_ACCEPT, Hold.BEFORE_DATA]
        self._released = threading.Event()
        self.held = {hold: threading.Event() for hold in Hold}
        self.accepted_then_held: str | None = None
        self._server = _Server(("127.0.0.1", 0), _Handler, smtp=self)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    def received(self) -> Counter[str]:
        """How many times each subject was accepted."""
        with self._lock:
            return Counter(self._received)

    def release(self) -> None:
        with self._lock:
            self._holds = []
        self._released.set()

    def _next_hold(self) -> Hold | None:
        with self._lock:
            return self._holds.pop(0) if self._holds else None

    def _accept(self, subject: str, hold: Hold | None) -> None:
        with self._lock:
            self._received.append(subject)
            if hold is Hold.AFTER_ACCEPT:
                self.accepted_then_held = subject

    def _wait(self, hold: Hold) -> None:
        self.held[hold].set()
        self._released.wait()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[socketserver.BaseRequestHandler],
        *,
        smtp: LoopbackSMTP,
    ) -> None:
        self.smtp = smtp
        super().__init__(address, handler)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        try:
            self._converse(self.server.smtp)
        except OSError:
            # The client was killed mid-conversation.
            pass

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def _converse(self, smtp: LoopbackSMTP) -> None:
        hold: Hold | None = None
        self._reply("220 localhost test SMTP")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self._reply("250-localhost")
                self._reply("250 8BITMIME")
            elif verb in {b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"}:
                self._reply("250 OK")
            elif verb == b"DATA":
                hold = smtp._next_hold()
                if hold is Hold.BEFORE_DATA:
                    smtp._wait(hold)
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                message = email.message_from_bytes(self._read_data())
                smtp._accept(str(message["Subject"]), hold)
                self._reply("250 OK queued")
            elif verb == b"QUIT":
                if hold is Hold.AFTER_ACCEPT:
                    smtp._wait(hold)
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")

    def _read_data(self) -> bytes:
        lines: list[bytes] = []
        while (line := self.rfile.readline()) != b".\r\n":
            if not line:
                # The client went away before the final dot: nothing was accepted.
                raise ConnectionResetError
            # RFC 5321 4.5.2: a leading dot was doubled by the client.
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)
