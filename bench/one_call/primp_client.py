"""The same one-call script written with primp (see enkash_client.py). Usage: primp_client.py BASE_URL"""

import sys

import primp

base = sys.argv[1]
client = primp.Client(cookie_store=False, follow_redirects=False)
token = client.post(f"{base}/api/v0/merchant/token", json={"accessKey": "ak_test", "secretKey": "sk_test"}).json()["token"]
headers = {"Authorization": f"Bearer {token}", "merchantAccessKey": "ak_test"}
payment = client.get(f"{base}/api/v0/payment/EKBENCH001", headers=headers).json()
assert payment["payload"]["transactionId"] == "EKBENCH001", payment
