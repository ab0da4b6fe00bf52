"""One status read in a fresh process, as a script, a cron job or a serverless function makes it:
a token, then the payment. Timed from outside, interpreter start included (bench/run.sh).
Usage: enkash_client.py BASE_URL"""

import sys

import enkash

client = enkash.Client(access_key="ak_test", secret_key="sk_test", base_url=sys.argv[1])
assert client.get_transaction("EKBENCH001").transaction_id == "EKBENCH001"
