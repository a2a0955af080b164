"""The client side of SASL SCRAM-SHA-1 (RFC 5802) for the raw drill clients:
client-first, client-final with the proof, and the server signature check.
The salted password is cached per (password, salt, iterations), so a client
logging in again spends no second PBKDF2."""

import base64
import hashlib
import hmac
import os

_salted_cache = {}


def _hmac(key, text):
    return hmac.new(key, text, hashlib.sha1).digest()


class ScramSha1:
    mechanism = "SCRAM-SHA-1"

    def __init__(self, username, password):
        # Drill usernames are plain ASCII: no SASLprep, no ',' or '=' to escape.
        self.username = username
        self.password = password
        self.nonce = base64.b64encode(os.urandom(18)).decode()
        self.client_first_bare = f"n={username},r={self.nonce}"
        self.server_signature = None

    def client_first(self):
        """Base64 of the initial response (no channel binding: 'n,,')."""
        return base64.b64encode(f"n,,{self.client_first_bare}".encode()).decode()

    def client_final(self, challenge_b64):
        server_first = base64.b64decode(challenge_b64).decode()
        fields = dict(part.split("=", 1) for part in server_first.split(","))
        if not fields["r"].startswith(self.nonce):
            raise ValueError("SCRAM: the server nonce does not extend ours")
        salt, iterations = base64.b64decode(fields["s"]), int(fields["i"])
        key = (self.password, salt, iterations)
        salted = _salted_cache.get(key)
        if salted is None:
            salted = _salted_cache[key] = hashlib.pbkdf2_hmac("sha1", self.password.encode(), salt, iterations)
        without_proof = f"c=biws,r={fields['r']}"
        auth_message = f"{self.client_first_bare},{server_first},{without_proof}".encode()
        client_key = _hmac(salted, b"Client Key")
        signature = _hmac(hashlib.sha1(client_key).digest(), auth_message)
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        self.server_signature = _hmac(_hmac(salted, b"Server Key"), auth_message)
        return base64.b64encode(f"{without_proof},p={base64.b64encode(proof).decode()}".encode()).decode()

    def verify(self, success_b64):
        """Checks the server's `v=` signature in <success/> (RFC 5802 §5.1)."""
        final = base64.b64decode(success_b64 or "").decode()
        if not final.startswith("v=") or base64.b64decode(final[2:]) != self.server_signature:
            raise ValueError("SCRAM: wrong server signature")
