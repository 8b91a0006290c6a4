"""A server that checks API 3.0 requests with the signing code of Tencent's official Python
SDK, for our clients to call: TC3-HMAC-SHA256 (POST JSON, GET query, unsigned payload) via
`AbstractClient._get_tc3_signature`, and signature v1 (HmacSHA1, HmacSHA256, POST form or GET
query) via `AbstractClient._format_sign_string` and `Sign.sign`.

A request whose signature the SDK reproduces gets a passing DescribeCaptchaResult answer
(`CaptchaCode` 1, and `Echo` with the action and signature method it saw); any other gets
`AuthFailure.SignatureFailure`. Both in the API 3.0 envelope, HTTP 200.

Usage: python3 official_signer_server.py SECRET_ID SECRET_KEY
Prints the port it listens on (127.0.0.1) on the first line, then serves until killed.

Needs `pip install tencentcloud-sdk-python-common tencentcloud-sdk-python-captcha`. Run by
`tests/tests/official_signer.rs`.
"""
import json
import sys
import types
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tencentcloud.captcha.v20190722 import captcha_client
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.common.sign import Sign

SECRET_ID, SECRET_KEY = sys.argv[1:3]


def sdk_client(host, method):
    """An SDK client configured as the request's sender was: its host and HTTP method."""
    profile = ClientProfile(httpProfile=HttpProfile(endpoint=host, reqMethod=method))
    return captcha_client.CaptchaClient(credential.Credential(SECRET_ID, SECRET_KEY), "", profile)


def tc3_ok(handler, method, body, query):
    auth = handler.headers.get("Authorization", "")
    fields = dict(part.strip().split("=", 1) for part in auth.split(" ", 1)[-1].split(","))
    secret_id, date, service, _ = fields["Credential"].split("/")
    header = {name: handler.headers[name] for name in
              ("Content-Type", "Host", "X-TC-Timestamp", "X-TC-Content-SHA256") if handler.headers.get(name)}
    req = types.SimpleNamespace(uri=handler.path.split("?")[0], method=method,
                                data=query if method == "GET" else body, header=header)
    expected = sdk_client(header["Host"], method)._get_tc3_signature(None, req, date, service, SECRET_KEY)
    return secret_id == SECRET_ID and fields["Signature"] == expected, handler.headers.get("X-TC-Action"), "TC3-HMAC-SHA256"


def v1_ok(handler, method, body, query):
    raw = query if method == "GET" else body.decode()
    params = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
    signature = params.pop("Signature", "")
    sign_method = params.get("SignatureMethod", "HmacSHA1")
    client = sdk_client(handler.headers["Host"], method)
    client._requestPath = handler.path.split("?")[0]
    expected = Sign.sign(SECRET_KEY, client._format_sign_string(params), sign_method)
    return params.get("SecretId") == SECRET_ID and signature == expected, params.get("Action"), sign_method


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, response):
        data = json.dumps({"Response": {**response, "RequestId": "official-signer"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = urllib.parse.urlsplit(self.path).query
        check = tc3_ok if self.headers.get("Authorization") else v1_ok
        try:
            ok, action, sign_method = check(self, method, body, query)
        except (KeyError, ValueError):
            ok, action, sign_method = False, None, None
        if ok:
            self.answer({"CaptchaCode": 1, "CaptchaMsg": "OK", "Echo": {"Action": action, "SignatureMethod": sign_method}})
        else:
            self.answer({"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "the official SDK computes another signature"}})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
