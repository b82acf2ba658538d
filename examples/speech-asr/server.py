#!/usr/bin/env python3
"""Speech recognition server: Debian's pocketsphinx behind an OpenAI-style transcription API.

Python standard library only; needs the `pocketsphinx` and `pocketsphinx-en-us` Debian packages
(and `sox` to accept audio that is not already 16 kHz mono 16-bit WAV).

Usage:
    python3 server.py [--host HOST] [--port PORT] [--profile accurate|fast] [--concurrency N]

    --port      port to listen on, 0 for any free one (default: $PORT or 8000)
    --profile   recogniser settings (default: $ASR_PROFILE or accurate):
                  accurate  pocketsphinx's defaults: wide beams, three decoding passes
                  fast      at most 1500 active HMMs per frame and the first pass only: cheaper, worse
    --concurrency  recognisers run at once (default: $ASR_CONCURRENCY or the CPU count)

Endpoints:
    POST /v1/audio/transcriptions   multipart/form-data: file (audio), model, response_format
                                    (json, the default, or text), language (en only)
                                    -> {"text": "..."} or the text itself
    GET  /v1/models                 the one model
    GET  /health                    200 {"status": "ok", ...} once the recogniser works

Prints "listening on http://HOST:PORT" once it accepts connections.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import wave
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn

MODEL_NAME = os.environ.get("GANTRY_MODEL", "speech-asr")
DECODER = "pocketsphinx_continuous"
PROFILES: dict[str, list[str]] = {
    "accurate": [],
    "fast": ["-maxhmmpf", "1500", "-fwdflat", "no", "-bestpath", "no"],
}
MAX_UPLOAD_BYTES = 25 * 1024 * 1024  # OpenAI's own limit for this endpoint
DECODE_TIMEOUT_S = 120


class BadRequest(Exception):
    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class Recogniser:
    def __init__(self, profile: str, concurrency: int) -> None:
        self.profile = profile
        self.flags = PROFILES[profile]
        self.slots = threading.BoundedSemaphore(concurrency)

    def transcribe(self, audio: bytes) -> str:
        with tempfile.TemporaryDirectory(prefix="speech-asr-") as scratch:
            path = Path(scratch) / "input"
            path.write_bytes(audio)
            wav = path if is_decoder_ready(path) else convert(path, Path(scratch) / "input.wav")
            with self.slots:
                result = subprocess.run(
                    [DECODER, "-infile", str(wav), "-logfn", "/dev/null", *self.flags],
                    capture_output=True, text=True, timeout=DECODE_TIMEOUT_S,
                )
        if result.returncode != 0:
            raise RuntimeError(f"{DECODER} exited with {result.returncode}: {result.stderr[-500:]}")
        # One line per stretch of speech between pauses.
        return " ".join(line.strip() for line in result.stdout.splitlines() if line.strip())


def is_decoder_ready(path: Path) -> bool:
    """Whether the file is what the acoustic model expects: 16 kHz, mono, 16-bit PCM WAV."""
    try:
        with wave.open(str(path), "rb") as w:
            return w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
    except (wave.Error, EOFError):
        return False


def convert(source: Path, target: Path) -> Path:
    if shutil.which("sox") is None:
        raise BadRequest("send 16 kHz mono 16-bit WAV: this server has no sox to convert other audio", "file")
    result = subprocess.run(
        ["sox", "-q", "-D", str(source), "-c", "1", "-b", "16", "-e", "signed-integer", str(target), "rate", "16000"],
        capture_output=True, text=True, timeout=60,
    )
    if result.returncode != 0:
        raise BadRequest("the file is not audio that sox can read (send WAV, FLAC or another sox format)", "file")
    return target


def parse_form(content_type: str, body: bytes) -> dict[str, tuple[bytes, str | None]]:
    """multipart/form-data fields: name -> (bytes, filename or None)."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise BadRequest("send the audio as multipart/form-data with a file field")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + body
    )
    if not message.is_multipart():
        raise BadRequest("the multipart body could not be read")
    fields: dict[str, tuple[bytes, str | None]] = {}
    for part in message.iter_parts():
        assert isinstance(part, Message)
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = (payload if isinstance(payload, bytes) else b"", part.get_filename())
    return fields


class Handler(BaseHTTPRequestHandler):
    recogniser: Recogniser
    protocol_version = "HTTP/1.1"
    server_version = "speech-asr"
    disable_nagle_algorithm = True  # headers and body are two writes: don't let the body wait for an ACK
    timeout = 120

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/health":
            self.send_json(200, {"status": "ok", "model": MODEL_NAME, "profile": self.recogniser.profile})
        elif path == "/v1/models":
            self.send_json(200, {"object": "list", "data": [{"id": MODEL_NAME, "object": "model", "owned_by": "gantry"}]})
        else:
            self.send_error_json(404, f"no such path: GET {path}", "not_found")

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if length < 0 or length > MAX_UPLOAD_BYTES:
            self.close_connection = True
            return self.send_error_json(413 if length > 0 else 400, "the upload must be at most 25 MB, with a Content-Length", None)
        body = self.rfile.read(length)
        if path != "/v1/audio/transcriptions":
            return self.send_error_json(404, f"no such path: POST {path}", "not_found")
        try:
            fields = parse_form(self.headers.get("Content-Type", ""), body)
            audio = fields.get("file")
            if audio is None or not audio[0]:
                raise BadRequest("the form needs the audio in a file field", "file")
            text_field = lambda name, default: fields[name][0].decode() if name in fields else default  # noqa: E731
            response_format = text_field("response_format", "json")
            if response_format not in ("json", "text"):
                raise BadRequest("response_format must be json or text", "response_format")
            language = text_field("language", "en")
            if not language.startswith("en"):
                raise BadRequest("this model recognises English only (language en)", "language")
            text = self.recogniser.transcribe(audio[0])
        except BadRequest as problem:
            return self.send_error_json(400, str(problem), problem.param)
        except (RuntimeError, subprocess.TimeoutExpired) as problem:
            print(f"speech-asr: {problem}", file=sys.stderr, flush=True)
            return self.send_error_json(500, "the recogniser failed on this audio; see the server log", None, "server_error")
        if response_format == "text":
            return self.send_body(200, "text/plain; charset=utf-8", (text + "\n").encode())
        self.send_json(200, {"text": text})

    def send_json(self, status: int, body: dict[str, Any]) -> None:
        self.send_body(status, "application/json", json.dumps(body).encode())

    def send_error_json(self, status: int, message: str, param: str | None, kind: str = "invalid_request_error") -> None:
        self.send_json(status, {"error": {"message": message, "type": kind, "param": param, "code": None}})

    def send_body(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if os.environ.get("ASR_ACCESS_LOG") == "1":
            super().log_message(format, *args)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def silence(seconds: float = 0.5) -> bytes:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "silence.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(b"\0\0" * int(16000 * seconds))
        return path.read_bytes()


def fail(message: str) -> NoReturn:
    print(f"speech-asr: {message}", file=sys.stderr)
    sys.exit(2)


def main() -> None:
    parser = argparse.ArgumentParser(description="pocketsphinx behind /v1/audio/transcriptions")
    parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    parser.add_argument("--profile", default=os.environ.get("ASR_PROFILE", "accurate"))
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("ASR_CONCURRENCY") or os.cpu_count() or 1))
    args = parser.parse_args()
    if args.profile not in PROFILES:
        fail(f"unknown profile {args.profile!r}: use {' or '.join(PROFILES)}")
    if shutil.which(DECODER) is None:
        fail(f"{DECODER} is not installed: apt-get install pocketsphinx pocketsphinx-en-us")
    recogniser = Recogniser(args.profile, max(1, args.concurrency))
    try:
        recogniser.transcribe(silence())  # proves the decoder and its en-us model load before any traffic
    except (RuntimeError, subprocess.TimeoutExpired) as problem:
        fail(f"the recogniser does not start (is pocketsphinx-en-us installed?): {problem}")
    Handler.recogniser = recogniser
    try:
        server = Server((args.host, args.port), Handler)
    except OSError as problem:
        fail(f"cannot listen on {args.host}:{args.port}: {problem.strerror or problem}")
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    signal.signal(signal.SIGINT, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    host, port = server.server_address[:2]
    print(f"listening on http://{host}:{port} (profile {args.profile})", flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
