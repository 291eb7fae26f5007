# A webhook endpoint for the notification tests (Python's http.server, Debian's python3).
# Answers 500 to the first FAILS posts, 200 after (or, given a third argument, 307 to that URL);
# prints each post as one JSON line: {"status": ..., "headers": {...}, "body": "..."}.
import http.server, json, sys

port, fails = int(sys.argv[1]), int(sys.argv[2])
redirect = sys.argv[3] if len(sys.argv) > 3 else None
count = 0

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        count += 1
        status = 500 if count <= fails else 307 if redirect else 200
        print(json.dumps({"status": status, "headers": {k: v for k, v in self.headers.items()}, "body": body.decode()}), flush=True)
        self.send_response(status)
        if redirect and status == 307:
            self.send_header("Location", redirect)
        self.end_headers()

    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", port), Handler)
print("ready", flush=True)
server.serve_forever()
