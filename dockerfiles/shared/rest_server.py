#!/usr/bin/env python3
"""Gantry's REST server: serves a Python model (model.py with a Model class) over HTTP.

Python 3.11 standard library only, so it runs in any image that has python3.

Usage:
    python3 rest_server.py [--model FILE] [--manifest-json FILE] [--host HOST] [--port PORT]
                           [--tls-cert FILE --tls-key FILE] [--concurrency N]

    --model FILE          the Python file with the Model class (default: model.py, or $GANTRY_MODEL_FILE);
                          its folder is put first on sys.path and made the working directory
    --manifest-json FILE  the model's identity and schemas, written by Gantry from model.yml
                          (default: $GANTRY_MANIFEST_JSON, else gantry-manifest.json next to the model file).
                          Without one, name and version come from $GANTRY_MODEL / $GANTRY_VERSION and
                          requests are not validated.
    --host HOST           address to bind (default: $HOST or 0.0.0.0)
    --port PORT           port to listen on; 0 picks a free one (default: $PORT, else the manifest's, else 8080)
    --tls-cert/--tls-key  serve HTTPS with this PEM certificate and key ($GANTRY_TLS_CERT / $GANTRY_TLS_KEY)
    --concurrency N       predictions run at once; more wait their turn (default: $GANTRY_CONCURRENCY or 8)

Once listening it prints one line, "listening on http(s)://HOST:PORT", to stdout.
Exit status: 0 on SIGTERM/SIGINT, 2 on a bad argument, manifest, schema or model.

Manifest JSON (format 1): {"format": 1, "name", "version", "description", "model_file", "port",
"input_schema", "output_schema"}; the schemas are model.yml's schema.input and schema.output.

Model class (catwalk style):
    class Model:
        def __init__(self): ...                  # load weights
        def predict(self, instance): ...         # one input -> one JSON-serialisable output
        def load_test_data(self): ...            # optional: list of instances, predicted once at start-up

Endpoints:
    POST /predict   body {"instance": ..., "correlation_id"?: str, "extra_data"?: any,
                          "model"?: {"name"?, "version"?} | "name", "version"?: str}
                    200 {"model": {"name", "version"}, "prediction": ..., "correlation_id"?, "extra_data"?}
                    400 {"error": {"code", "message", "path"}} when the body or the instance is invalid;
                        path is a JSON path from the body's root, e.g. $.instance.age
                    404 when the body names another model or version
                    500 when the model fails or answers outside its output schema
    GET /status     200 {"status": "ok", "model", "version"} once the model is loaded
    GET /info       200 {"name", "version", "description", "input_schema", "output_schema"}

JSON Schema subset checked on the instance (and on the model's output):
    type (string, number, integer, boolean, object, array, null, or a list of them), enum, const,
    properties, required, additionalProperties (true, false or a schema), items (one schema),
    minItems, maxItems, uniqueItems, minimum, maximum, exclusiveMinimum, exclusiveMaximum (numbers),
    multipleOf, minLength, maxLength, pattern (Python re, searched), minProperties, maxProperties,
    allOf, anyOf, oneOf, not, and $ref to "#/..." inside the same schema ($defs, definitions).
    Annotations ($schema, $id, $comment, title, description, default, examples, format, deprecated,
    readOnly, writeOnly) are accepted and not checked. Any other keyword stops the server at start-up,
    so a schema never silently checks less than it says.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import re
import signal
import ssl
import sys
import threading
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn

MAX_BODY_BYTES = 16 * 1024 * 1024

ANNOTATIONS = {
    "$schema", "$id", "$comment", "title", "description", "default", "examples", "format",
    "deprecated", "readOnly", "writeOnly", "$defs", "definitions",
}
CHECKED = {
    "type", "enum", "const", "properties", "required", "additionalProperties", "items", "minItems",
    "maxItems", "uniqueItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "multipleOf", "minLength", "maxLength", "pattern", "minProperties", "maxProperties", "allOf",
    "anyOf", "oneOf", "not", "$ref",
}
TYPES = {"string", "number", "integer", "boolean", "object", "array", "null"}


class SchemaError(Exception):
    """A schema Gantry cannot check (unknown keyword, bad $ref): reported at start-up."""


class Invalid(Exception):
    """A value that breaks the schema: the message and the JSON path of the offending value."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def has_type(value: Any, wanted: str) -> bool:
    actual = type_of(value)
    return actual == wanted or (wanted == "number" and actual == "integer")


def child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else f"{path}[{json.dumps(key)}]"


def same_json(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0, but true != 1."""
    if type_of(a) in ("integer", "number") and type_of(b) in ("integer", "number"):
        return a == b
    return type_of(a) == type_of(b) and json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


class Validator:
    """Checks values against one JSON Schema, in the subset documented above."""

    def __init__(self, schema: Any, where: str) -> None:
        self.root = schema
        self.where = where
        self.patterns: dict[str, re.Pattern[str]] = {}
        self._check_schema(schema, "#")

    def _check_schema(self, schema: Any, at: str) -> None:
        if isinstance(schema, bool):
            return
        if not isinstance(schema, dict):
            raise SchemaError(f"{self.where} at {at}: a schema must be an object or a boolean")
        for key, value in schema.items():
            if key not in CHECKED and key not in ANNOTATIONS:
                raise SchemaError(
                    f'{self.where} at {at}: the keyword "{key}" is not supported by Gantry\'s REST server '
                    "(see the list in rest_server.py)"
                )
            if key in ("properties", "$defs", "definitions"):
                for name, sub in value.items():
                    self._check_schema(sub, f"{at}/{key}/{name}")
            elif key in ("items", "additionalProperties", "not"):
                self._check_schema(value, f"{at}/{key}")
            elif key in ("allOf", "anyOf", "oneOf"):
                for i, sub in enumerate(value):
                    self._check_schema(sub, f"{at}/{key}/{i}")
            elif key == "$ref":
                self._resolve(value)
            elif key == "pattern":
                try:
                    self.patterns[value] = re.compile(value)
                except re.error as error:
                    raise SchemaError(f"{self.where} at {at}: pattern {value!r} is not valid ({error})")
            elif key == "type":
                names = value if isinstance(value, list) else [value]
                unknown = [n for n in names if n not in TYPES]
                if unknown:
                    raise SchemaError(f"{self.where} at {at}: unknown type {unknown[0]!r}")

    def _resolve(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise SchemaError(f'{self.where}: only local references like "#/$defs/name" are supported, not {ref!r}')
        node = self.root
        for part in [p for p in ref[1:].split("/") if p]:
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise SchemaError(f"{self.where}: the reference {ref} points at nothing")
            node = node[part]
        return node

    def validate(self, value: Any, path: str = "$") -> None:
        self._validate(self.root, value, path)

    def _validate(self, schema: Any, value: Any, path: str) -> None:
        if schema is True:
            return
        if schema is False:
            raise Invalid(path, "no value is allowed here")
        if "$ref" in schema:
            self._validate(self._resolve(schema["$ref"]), value, path)
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(has_type(value, n) for n in names):
                raise Invalid(path, f"must be {' or '.join(names)}, not {type_of(value)}")
        if "enum" in schema and not any(same_json(value, option) for option in schema["enum"]):
            options = ", ".join(json.dumps(o) for o in schema["enum"])
            raise Invalid(path, f"must be one of {options}")
        if "const" in schema and not same_json(value, schema["const"]):
            raise Invalid(path, f"must be {json.dumps(schema['const'])}")
        kind = type_of(value)
        if kind in ("integer", "number"):
            self._number(schema, value, path)
        elif kind == "string":
            self._string(schema, value, path)
        elif kind == "array":
            self._array(schema, value, path)
        elif kind == "object":
            self._object(schema, value, path)
        for sub in schema.get("allOf", []):
            self._validate(sub, value, path)
        if "anyOf" in schema and not any(self._passes(sub, value, path) for sub in schema["anyOf"]):
            raise Invalid(path, "matches none of the allowed forms (anyOf)")
        if "oneOf" in schema:
            matches = sum(1 for sub in schema["oneOf"] if self._passes(sub, value, path))
            if matches != 1:
                raise Invalid(path, f"must match exactly one allowed form (oneOf), matches {matches}")
        if "not" in schema and self._passes(schema["not"], value, path):
            raise Invalid(path, "matches a form that is not allowed (not)")

    def _passes(self, schema: Any, value: Any, path: str) -> bool:
        try:
            self._validate(schema, value, path)
            return True
        except Invalid:
            return False

    def _number(self, schema: dict[str, Any], value: float, path: str) -> None:
        if not math.isfinite(value):
            raise Invalid(path, "must be a finite number")
        if "minimum" in schema and value < schema["minimum"]:
            raise Invalid(path, f"must be at least {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            raise Invalid(path, f"must be at most {schema['maximum']}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            raise Invalid(path, f"must be greater than {schema['exclusiveMinimum']}")
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            raise Invalid(path, f"must be less than {schema['exclusiveMaximum']}")
        if "multipleOf" in schema:
            ratio = value / schema["multipleOf"]
            if abs(ratio - round(ratio)) > 1e-9:
                raise Invalid(path, f"must be a multiple of {schema['multipleOf']}")

    def _string(self, schema: dict[str, Any], value: str, path: str) -> None:
        if "minLength" in schema and len(value) < schema["minLength"]:
            raise Invalid(path, f"must be at least {schema['minLength']} characters long")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            raise Invalid(path, f"must be at most {schema['maxLength']} characters long")
        if "pattern" in schema and not self.patterns[schema["pattern"]].search(value):
            raise Invalid(path, f"must match the pattern {schema['pattern']}")

    def _array(self, schema: dict[str, Any], value: list[Any], path: str) -> None:
        if "minItems" in schema and len(value) < schema["minItems"]:
            raise Invalid(path, f"must have at least {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            raise Invalid(path, f"must have at most {schema['maxItems']} items")
        if schema.get("uniqueItems"):
            for i, item in enumerate(value):
                if any(same_json(item, other) for other in value[:i]):
                    raise Invalid(child(path, i), "repeats an earlier item; items must be unique")
        if "items" in schema:
            for i, item in enumerate(value):
                self._validate(schema["items"], item, child(path, i))

    def _object(self, schema: dict[str, Any], value: dict[str, Any], path: str) -> None:
        for name in schema.get("required", []):
            if name not in value:
                raise Invalid(child(path, name), "is required")
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            raise Invalid(path, f"must have at least {schema['minProperties']} properties")
        if "maxProperties" in schema and len(value) > schema["maxProperties"]:
            raise Invalid(path, f"must have at most {schema['maxProperties']} properties")
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                self._validate(properties[name], item, child(path, name))
            elif "additionalProperties" in schema:
                extra = schema["additionalProperties"]
                if extra is False:
                    raise Invalid(child(path, name), "is not an allowed property")
                self._validate(extra, item, child(path, name))


class Service:
    """The loaded model with its identity and validators; shared by all request threads."""

    def __init__(self, manifest: dict[str, Any], model: Any, concurrency: int = 8) -> None:
        # Bounds the predictions running at once (not the connections, which may idle with keep-alive).
        self.slots = threading.BoundedSemaphore(concurrency)
        self.name: str = manifest["name"]
        self.version: str = manifest["version"]
        self.description: str | None = manifest.get("description")
        self.input_schema = manifest.get("input_schema")
        self.output_schema = manifest.get("output_schema")
        self.input = Validator(self.input_schema, "schema.input") if self.input_schema is not None else None
        self.output = Validator(self.output_schema, "schema.output") if self.output_schema is not None else None
        self.model = model

    def identity(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version}

    def predict(self, body: Any) -> tuple[int, dict[str, Any]]:
        if not isinstance(body, dict):
            return error(400, "invalid_request", "the body must be a JSON object", "$")
        other = self._names_other_model(body)
        if other:
            return error(404, "model_not_found", other, "$.model")
        if "instance" not in body:
            return error(400, "invalid_request", 'the body needs the model\'s input in "instance"', "$.instance")
        if "correlation_id" in body and not isinstance(body["correlation_id"], str):
            return error(400, "invalid_request", "correlation_id must be a string", "$.correlation_id")
        if self.input is not None:
            try:
                self.input.validate(body["instance"], "$.instance")
            except Invalid as invalid:
                return error(400, "invalid_input", f"{invalid.path} {invalid.message}", invalid.path)
        try:
            with self.slots:
                prediction = self.model.predict(body["instance"])
            json.dumps(prediction, allow_nan=False)
        except Exception:  # the model's own failure: logged in full, answered briefly
            traceback.print_exc(file=sys.stderr)
            return error(500, "model_error", "the model failed on this input; see the server log", None)
        if self.output is not None:
            try:
                self.output.validate(prediction, "$.prediction")
            except Invalid as invalid:
                print(f"output outside schema.output: {invalid.path} {invalid.message}", file=sys.stderr)
                return error(500, "invalid_output", f"the model answered outside its output schema: "
                             f"{invalid.path} {invalid.message}", invalid.path)
        answer: dict[str, Any] = {"model": self.identity(), "prediction": prediction}
        if "correlation_id" in body:
            answer["correlation_id"] = body["correlation_id"]
        if "extra_data" in body:
            answer["extra_data"] = body["extra_data"]
        return 200, answer

    def _names_other_model(self, body: dict[str, Any]) -> str | None:
        named = body.get("model")
        name, version = (named.get("name"), named.get("version")) if isinstance(named, dict) else (named, None)
        version = version if version is not None else body.get("version")
        if name is not None and name != self.name:
            return f"this server serves {self.name}, not {name}"
        if version is not None and version != self.version:
            return f"this server serves {self.name} {self.version}, not version {version}"
        return None


def error(status: int, code: str, message: str, path: str | None) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"code": code, "message": message}
    if path is not None:
        body["path"] = path
    return status, {"error": body}


class Handler(BaseHTTPRequestHandler):
    service: Service
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm holds the body until
    # the client's delayed ACK (~40 ms on Linux), which would dominate every prediction's latency.
    disable_nagle_algorithm = True
    server_version = "gantry-rest"
    timeout = 120  # seconds an idle keep-alive connection keeps its thread

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        service = self.service
        if path == "/status":
            self.reply(200, {"status": "ok", **service.identity()})
        elif path == "/info":
            self.reply(200, {**service.identity(), "description": service.description,
                             "input_schema": service.input_schema, "output_schema": service.output_schema})
        else:
            self.reply(*error(404, "not_found", f"no such path: GET {path}", None))

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            return self.reply(*error(400, "invalid_request", "Content-Length must be a number of bytes", None))
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            return self.reply(*error(413, "too_large", f"the body is over {MAX_BODY_BYTES} bytes", None))
        raw = self.rfile.read(length)
        if path != "/predict":
            return self.reply(*error(404, "not_found", f"no such path: POST {path}", None))
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as problem:
            return self.reply(*error(400, "invalid_json", f"the body is not valid JSON ({problem})", "$"))
        self.reply(*self.service.predict(body))

    def reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if os.environ.get("GANTRY_ACCESS_LOG") == "1":
            super().log_message(format, *args)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        if isinstance(request, ssl.SSLSocket):
            # The handshake runs here, not in accept(), so a slow client cannot stall the others.
            try:
                request.do_handshake()
            except (OSError, ssl.SSLError):
                self.shutdown_request(request)
                return
        super().process_request_thread(request, client_address)


def fail(message: str) -> NoReturn:
    print(f"rest_server: {message}", file=sys.stderr)
    sys.exit(2)


def read_manifest(path: str | None, model_file: Path) -> dict[str, Any]:
    candidate = path or os.environ.get("GANTRY_MANIFEST_JSON")
    if not candidate and (model_file.parent / "gantry-manifest.json").exists():
        candidate = str(model_file.parent / "gantry-manifest.json")
    if not candidate:
        name, version = os.environ.get("GANTRY_MODEL"), os.environ.get("GANTRY_VERSION")
        if not name or not version:
            fail("no manifest: pass --manifest-json FILE (written by Gantry from model.yml) "
                 "or set GANTRY_MODEL and GANTRY_VERSION")
        print("rest_server: no manifest JSON; requests are not validated", file=sys.stderr)
        return {"format": 1, "name": name, "version": version}
    try:
        manifest = json.loads(Path(candidate).read_text(encoding="utf-8"))
    except (OSError, ValueError) as problem:
        fail(f"cannot read the manifest JSON {candidate}: {problem}")
    if not isinstance(manifest, dict) or manifest.get("format") != 1:
        fail(f"{candidate} is not a Gantry REST manifest (format 1)")
    for key in ("name", "version"):
        if not isinstance(manifest.get(key), str):
            fail(f"{candidate} has no {key}")
    return manifest


def load_model(model_file: Path) -> Any:
    if not model_file.is_file():
        fail(f"no model file at {model_file}")
    folder = str(model_file.parent)
    sys.path.insert(0, folder)
    os.chdir(folder)
    spec = importlib.util.spec_from_file_location("model", model_file)
    if spec is None or spec.loader is None:
        fail(f"cannot load {model_file} as Python")
    module = importlib.util.module_from_spec(spec)
    sys.modules["model"] = module
    try:
        spec.loader.exec_module(module)
        model_class = getattr(module, "Model", None)
        if model_class is None:
            fail(f"{model_file.name} defines no Model class")
        model = model_class()
        if not callable(getattr(model, "predict", None)):
            fail(f"{model_file.name}: Model has no predict(instance) method")
        # A first prediction on the model's own test data catches a broken model before traffic does.
        if callable(getattr(model, "load_test_data", None)):
            for instance in list(model.load_test_data() or [])[:1]:
                model.predict(instance)
    except SystemExit:
        raise
    except Exception:
        traceback.print_exc(file=sys.stderr)
        fail(f"{model_file.name} failed to load; see the error above")
    return model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Gantry's REST server for a Python Model class")
    parser.add_argument("--model", default=os.environ.get("GANTRY_MODEL_FILE"))
    parser.add_argument("--manifest-json")
    parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int)
    parser.add_argument("--tls-cert", default=os.environ.get("GANTRY_TLS_CERT"))
    parser.add_argument("--tls-key", default=os.environ.get("GANTRY_TLS_KEY"))
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("GANTRY_CONCURRENCY", "8")))
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        fail("TLS needs both --tls-cert and --tls-key")

    model_arg = Path(args.model or "model.py").resolve()
    manifest = read_manifest(args.manifest_json and str(Path(args.manifest_json).resolve()), model_arg)
    if args.model is None and manifest.get("model_file"):
        model_arg = Path(manifest["model_file"]).resolve()
    port = args.port if args.port is not None else int(os.environ.get("PORT") or manifest.get("port") or 8080)
    tls_cert = args.tls_cert and str(Path(args.tls_cert).resolve())
    tls_key = args.tls_key and str(Path(args.tls_key).resolve())

    try:
        service = Service(manifest, None, max(1, args.concurrency))
    except SchemaError as problem:
        fail(str(problem))
    service.model = load_model(model_arg)
    Handler.service = service

    try:
        server = Server((args.host, port), Handler)
    except OSError as problem:
        fail(f"cannot listen on {args.host}:{port}: {problem.strerror or problem}")
    scheme = "http"
    if tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            context.load_cert_chain(tls_cert, tls_key)
        except (OSError, ssl.SSLError) as problem:
            fail(f"cannot load the TLS certificate and key: {problem}")
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        scheme = "https"

    def stop(_signum: int, _frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, bound = server.server_address[:2]
    print(f"listening on {scheme}://{host}:{bound} ({service.name} {service.version})", flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
