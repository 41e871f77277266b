"""A loopback TCP proxy that can cut every connection (no tests here): how the Neo4j integration tests
lose the connection in the middle of a load without stopping the server."""

from __future__ import annotations

import socket
import threading


class CuttingProxy:
    """Forwards 127.0.0.1:<port> to (host, port). Once the client side has sent `cut_after` bytes, every
    connection is closed; with `refuse` new ones are refused too (the server seems gone) until `restore()`,
    without it the cut is a blip: the next connection goes through."""

    def __init__(self, host: str, port: int, cut_after: int | None = None, *, refuse: bool = True) -> None:
        self.target = (host, port)
        self.cut_after = cut_after
        self.refuse = refuse
        self.cuts = 0
        self.sent = 0
        self.cut = False
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.cut:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._socks += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, from_client: bool) -> None:
        try:
            while data := src.recv(65536):
                if from_client:
                    with self._lock:
                        self.sent += len(data)
                        over = self.cut_after is not None and self.sent > self.cut_after
                    if over:
                        self.cut_all()
                        return
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

    def cut_all(self) -> None:
        self.cut = self.refuse
        self.cuts += 1
        if not self.refuse:
            self.cut_after = None  # one blip only
        with self._lock:
            socks, self._socks = self._socks, []
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass

    def restore(self) -> None:
        self.cut, self.cut_after = False, None

    def close(self) -> None:
        self.cut_all()
        self._listener.close()
