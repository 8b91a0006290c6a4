"""Calls a captcha emulator with Tencent's official Python SDK and prints one JSON object per check.

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


def client(secret_key, unsigned):
    profile = ClientProfile(httpProfile=HttpProfile(endpoint=HOST, protocol="http"))
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


for mode, unsigned in (("tc3-post", False), ("tc3-post-unsigned-payload", True)):
    good = client(SECRET_KEY, unsigned)
    ticket, randstr = mint()
    cases = [
        ("fresh", good, ticket, randstr, APP_KEY),
        ("reused", good, ticket, randstr, APP_KEY),
        ("wrong-app-secret-key", good, *mint(), "wrong-app-secret-key"),
        ("wrong-secret-key", client("wrong-secret-key", unsigned), *mint(), APP_KEY),
    ]
    for case, cli, ticket, randstr, app_key in cases:
        print(json.dumps({"mode": mode, "case": case, **check(cli, ticket, randstr, app_key)}), flush=True)
