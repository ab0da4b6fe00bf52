"""The same one-call script written with pyreqwest's blocking client (see enkash_client.py).
Usage: pyreqwest_client.py BASE_URL"""

import sys

from pyreqwest.client import SyncClientBuilder

base = sys.argv[1]
client = SyncClientBuilder().build()
keys = {"accessKey": "ak_test", "secretKey": "sk_test"}
token = client.post(f"{base}/api/v0/merchant/token").body_json(keys).build().send().json()["token"]
headers = {"Authorization": f"Bearer {token}", "merchantAccessKey": "ak_test"}
payment = client.get(f"{base}/api/v0/payment/EKBENCH001").headers(headers).build().send().json()
assert payment["payload"]["transactionId"] == "EKBENCH001", payment
