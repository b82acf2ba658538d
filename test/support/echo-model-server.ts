/**
 * A real model server for deployment tests: Python's http.server answering every GET with its version
 * (and the weights at /models/weights.txt, when mounted). MODE=unhealthy fails /health, MODE=crash exits
 * at start; HOST is the address it binds (127.0.0.1 unless set, 0.0.0.0 in a container).
 */
export const ECHO_MODEL_SERVER = `
import http.server, json, os, sys
mode = os.environ.get("MODE", "ok")
if mode == "crash":
    print("loading weights failed: weights/model.bin not found", flush=True)
    sys.exit(3)
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        code = 503 if (mode == "unhealthy" and self.path == "/health") else 200
        answer = {"version": os.environ["GANTRY_VERSION"]}
        if os.path.exists("/models/weights.txt"):
            answer["weights"] = open("/models/weights.txt").read()
        body = json.dumps(answer).encode()
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, fmt, *args):
        print(fmt % args, flush=True)
print("serving on port", os.environ["PORT"], flush=True)
http.server.ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ["PORT"])), Handler).serve_forever()
`;
