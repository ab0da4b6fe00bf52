"""The merchant's backend endpoint that hands short-lived EnKash tokens to its own mobile apps.

The secret key stays on this server. An app builds its client with a token provider that calls
this endpoint (Kotlin ``EnkashClient.withTokenProvider``, Swift the same, Python
``token_provider=``); the SDK in the app caches the token and asks again before it expires or
after the gateway rejects it. Authenticate your app users here the way your backend already does.

    ENKASH_ACCESS_KEY=... ENKASH_SECRET_KEY=... ENKASH_BASE_URL=http://127.0.0.1:8787 \\
    APP_SESSION_TOKENS=demo-session python examples/token_backend.py --port 8788

    curl -X POST -H 'Authorization: Bearer demo-session' http://127.0.0.1:8788/enkash/token
"""

from __future__ import annotations

import argparse
import hmac
import os

from flask import Flask, Response, abort, jsonify, request

import enkash


def create_app(client: enkash.Client, app_sessions: frozenset[str]) -> Flask:
    app = Flask(__name__)

    def signed_in() -> bool:
        # Stand-in for your own app-user authentication (session, OAuth, device attestation...).
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return any(hmac.compare_digest(given, s) for s in app_sessions)

    @app.post("/enkash/token")
    def enkash_token() -> Response:
        if not signed_in():
            abort(401)
        issued = client.issue_token()  # never logged; repr(issued) shows token='***'
        response = jsonify(token=issued.token, expiresAtMs=issued.expires_at_ms)
        response.headers["Cache-Control"] = "no-store"
        return response

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8788)
    args = parser.parse_args()
    sessions = frozenset(s for s in os.environ.get("APP_SESSION_TOKENS", "").split(",") if s)
    with enkash.Client.from_env() as client:
        create_app(client, sessions).run(host=args.host, port=args.port)


if __name__ == "__main__":
    main()
