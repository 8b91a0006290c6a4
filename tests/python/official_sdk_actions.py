"""Calls every action of captcha 2019-07-22 on a captcha emulator with Tencent's official
Python SDK, in every mode the SDK offers, and prints one JSON object per call: the mode, the
action, and either the answer (`response`, as the SDK parsed it) or the error code it raised.

Usage: python3 official_sdk_actions.py HOST:PORT SECRET_ID SECRET_KEY CAPTCHA_APP_ID APP_SECRET_KEY

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

# (name, signMethod, reqMethod)
MODES = (
    ("tc3-post", "TC3-HMAC-SHA256", "POST"),
    ("tc3-get", "TC3-HMAC-SHA256", "GET"),
    ("hmac-sha1", "HmacSHA1", "POST"),
    ("hmac-sha1-get", "HmacSHA1", "GET"),
    ("hmac-sha256", "HmacSHA256", "POST"),
    ("hmac-sha256-get", "HmacSHA256", "GET"),
)


def mint(kind):
    """A fresh ticket and randstr (empty for a mini-program ticket) from the emulator."""
    form = urllib.parse.urlencode({"CaptchaAppId": APP_ID, "UserIp": USER_IP, "Kind": kind}).encode()
    with urllib.request.urlopen(f"http://{HOST}/emulator/v3/tickets", form) as answer:
        minted = json.load(answer)
    return minted["ticket"], minted["randstr"]


def web_check():
    ticket, randstr = mint("web")
    return {"CaptchaType": 9, "Ticket": ticket, "UserIp": USER_IP, "Randstr": randstr,
            "CaptchaAppId": APP_ID, "AppSecretKey": APP_KEY, "NeedGetCaptchaTime": 1}


def mini_check():
    ticket, _ = mint("mini")
    return {"CaptchaType": 9, "Ticket": ticket, "UserIp": USER_IP, "CaptchaAppId": APP_ID,
            "AppSecretKey": APP_KEY}


STATS = {"StartTimeStr": "2022-05-14 10:00", "EndTimeStr": "2022-05-16 10:00", "Dimension": "3"}

# Every action with a request that Tencent documents as valid (built when called: the
# ticket checks each need a fresh ticket).
ACTIONS = {
    "DescribeCaptchaAppIdInfo": lambda: {"CaptchaAppId": APP_ID},
    "DescribeCaptchaData": lambda: {"CaptchaAppId": APP_ID, "Start": 201911291859, "End": 201911291901, "Type": 1},
    "DescribeCaptchaDataSum": lambda: {"CaptchaAppId": APP_ID, "Start": 20191201, "End": 20191202},
    "DescribeCaptchaMiniData": lambda: {"CaptchaAppId": APP_ID, "Start": 2019112900, "End": 2019112902, "Type": 1},
    "DescribeCaptchaMiniDataSum": lambda: {"CaptchaAppId": APP_ID, "Start": 20191201, "End": 20191201},
    "DescribeCaptchaMiniOperData": lambda: {"CaptchaAppId": APP_ID, "Start": 20200909, "Type": 2},
    "DescribeCaptchaMiniResult": mini_check,
    "DescribeCaptchaMiniRiskResult": lambda: {**mini_check(), "SceneCode": 2},
    "DescribeCaptchaOperData": lambda: {"CaptchaAppId": APP_ID, "Start": 20191129, "End": 20191130, "Type": 1},
    "DescribeCaptchaRceResult": web_check,
    "DescribeCaptchaResult": web_check,
    "DescribeCaptchaTicketData": lambda: {"CaptchaAppId": APP_ID, "Start": 20200909, "End": 20200910},
    "DescribeCaptchaUserAllAppId": lambda: {},
    "GetRequestStatistics": lambda: {"CaptchaAppId": str(APP_ID), **STATS},
    "GetTicketStatistics": lambda: {"CaptchaAppId": str(APP_ID), **STATS},
    "GetTotalRequestStatistics": lambda: dict(STATS),
    "GetTotalTicketStatistics": lambda: dict(STATS),
    "UpdateCaptchaAppIdInfo": lambda: {
        "CaptchaAppId": APP_ID, "AppName": "sign-in page", "DomainLimit": "login.example.com",
        "SceneType": 1, "CapType": 14, "EvilInterceptGrade": 100, "SmartVerify": 0,
        "SmartEngine": 0, "SchemeColor": "#1a79ff", "CaptchaLanguage": 2052,
        "MailAlarm": "ops@example.com", "TopFullScreen": 0, "TrafficThreshold": 0},
}


def client(sign_method, req_method):
    http = HttpProfile(endpoint=HOST, protocol="http", reqMethod=req_method)
    profile = ClientProfile(signMethod=sign_method, httpProfile=http)
    return captcha_client.CaptchaClient(credential.Credential(SECRET_ID, SECRET_KEY), "", profile)


def call(cli, action, params):
    request = getattr(models, action + "Request")()
    request.from_json_string(json.dumps(params))
    try:
        response = getattr(cli, action)(request)
        return {"response": json.loads(response.to_json_string())}
    except TencentCloudSDKException as error:
        return {"error": error.get_code()}


for mode, sign_method, req_method in MODES:
    cli = client(sign_method, req_method)
    for action, params in ACTIONS.items():
        print(json.dumps({"mode": mode, "action": action, **call(cli, action, params())}), flush=True)
    # Refusals the SDK raises: a missing required field, and a wrong type.
    missing = call(cli, "DescribeCaptchaData", {"CaptchaAppId": APP_ID, "Start": 201911291859, "Type": 1})
    print(json.dumps({"mode": mode, "action": "missing-End", **missing}), flush=True)
    settings = call(cli, "DescribeCaptchaAppIdInfo", {"CaptchaAppId": APP_ID})
    print(json.dumps({"mode": mode, "action": "settings-after-update", **settings}), flush=True)
