"""Calls a captcha emulator with Tencent's official Python SDK and prints one JSON object per check,
in every mode the SDK offers: TC3-HMAC-SHA256 over POST (signed or unsigned payload) and GET,
and signature v1 (HmacSHA1, HmacSHA256) over POST and GET.

Usage: python3 official_sdk_describe.py HOST:PORT SECRET_ID SECRET_KEY CAPTCHA_APP_ID APP_SECRET_KEY

Needs `pip install tencentcloud-sdk-python-common tencentcloud-sdk-python-captcha`. Run by
`tests/tests/python_sdk.rs`, which starts the emulator and checks what this prints.
"""
import json
import sys
import urllib.parse
import urllib.request

from tencentcloud.captcha.v20190722 import captcha_client, models
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

HOST, SECRET_ID, SECRET_KEY, APP_ID, APP_KEY = sys.argv[1:6]
APP_ID = int(APP_ID)
USER_IP = "127.0.0.1"


def mint():
    """A fresh ticket and randstr from the emulator's test endpoint."""
    form = urllib.parse.urlencode({"CaptchaAppId": APP_ID, "UserIp": USER_IP}).encode()
    with urllib.request.urlopen(f"http://{HOST}/emulator/v3/tickets", form) as answer:
        minted = json.load(answer)
    return minted["ticket"], minted["randstr"]


# Every mode the SDK offers: (name, signMethod, reqMethod, unsignedPayload).
MODES = (
    ("tc3-post", "TC3-HMAC-SHA256", "POST", False),
    ("tc3-post-unsigned-payload", "TC3-HMAC-SHA256", "POST", True),
    ("tc3-get", "TC3-HMAC-SHA256", "GET", False),
    ("hmac-sha1", "HmacSHA1", "POST", False),
    ("hmac-sha1-get", "HmacSHA1", "GET", False),
    ("hmac-sha256", "HmacSHA256", "POST", False),
    ("hmac-sha256-get", "HmacSHA256", "GET", False),
)


def client(secret_key, sign_method, req_method, unsigned):
    http = HttpProfile(endpoint=HOST, protocol="http", reqMethod=req_method)
    profile = ClientProfile(signMethod=sign_method, httpProfile=http)
    # An attribute in this SDK, not a constructor argument.
    profile.unsignedPayload = unsigned
    return captcha_client.CaptchaClient(credential.Credential(SECRET_ID, secret_key), "", profile)


def check(cli, ticket, randstr, app_key):
    request = models.DescribeCaptchaResultRequest()
    request.from_json_string(json.dumps({
        "CaptchaType": 9, "Ticket": ticket, "UserIp": USER_IP, "Randstr": randstr,
        "CaptchaAppId": APP_ID, "AppSecretKey": app_key,
    }))
    try:
        return {"code": cli.DescribeCaptchaResult(request).CaptchaCode}
    except TencentCloudSDKException as error:
        return {"error": error.get_code()}


for mode, sign_method, req_method, unsigned in MODES:
    good = client(SECRET_KEY, sign_method, req_method, unsigned)
    bad = client("wrong-secret-key", sign_method, req_method, unsigned)
    ticket, randstr = mint()
    cases = [
        ("fresh", good, ticket, randstr, APP_KEY),
        ("reused", good, ticket, randstr, APP_KEY),
        ("wrong-app-secret-key", good, *mint(), "wrong-app-secret-key"),
        ("wrong-secret-key", bad, *mint(), APP_KEY),
    ]
    for case, cli, ticket, randstr, app_key in cases:
        print(json.dumps({"mode": mode, "case": case, **check(cli, ticket, randstr, app_key)}), flush=True)
