"""Loopback receivers for delivery tests: a tiny SMTP server and an HTTP server, each in a thread, recording what
they receive. `fail_next` makes the HTTP receiver answer 500 (or errcode) that many times before accepting."""

from __future__ import annotations

import json
import socketserver
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, HTTPServer


class SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self.reply("220 loopback ESMTP")
        mail_from, rcpt = "", []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode().strip()
            upper = command.upper()
            if upper.startswith(("EHLO", "HELO")):
                self.reply("250 loopback")
            elif upper.startswith("MAIL FROM:"):
                mail_from = command[10:].strip()
                self.reply("250 OK")
            elif upper.startswith("RCPT TO:"):
                rcpt.append(command[8:].strip().strip("<>"))
                self.reply("250 OK")
            elif upper == "DATA":
                self.reply("354 end with .")
                data = b""
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.received.append(
                    {"from": mail_from, "to": rcpt, "message": message_from_bytes(data, policy=policy.default)}
                )
                rcpt = []
                self.reply("250 queued")
            elif upper == "QUIT":
                self.reply("221 bye")
                return
            elif upper == "RSET":
                rcpt = []
                self.reply("250 OK")
            else:
                self.reply("250 OK")


class SMTPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.received: list[dict] = []

    @property
    def port(self) -> int:
        return self.server_address[1]


class HTTPHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        server = self.server
        server.calls.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
        if server.fail_next > 0:
            server.fail_next -= 1
            if server.fail_with == "errcode":
                answer, status = {"errcode": 93000, "errmsg": "invalid"}, 200
            else:
                answer, status = {"error": "down"}, 500
        else:
            answer, status = {"errcode": 0, "errmsg": "ok"}, 200
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class HTTPReceiver(HTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), HTTPHandler)
        self.calls: list[dict] = []
        self.fail_next = 0
        self.fail_with = "status"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def serve(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
