"""schemathesis hooks for test_api_fuzz.py (loaded through SCHEMATHESIS_HOOKS).

The fuzzer must not end its own session: a request aimed at its own account (a password reset
or a role change that ends its logins, a forced sign-out) is sent to a random, unknown user id
instead, which the server answers with 404. Every other request goes out as generated."""
import os
import random
import uuid

import schemathesis

OWN_USER_ID = os.environ.get("SHEGONG_FUZZ_OWN_USER_ID", "").upper()
_rng = random.Random(0)


@schemathesis.hook
def before_call(context, case, kwargs):
    params = case.path_parameters
    if (OWN_USER_ID and params and str(params.get("id", "")).upper() == OWN_USER_ID
            and case.operation.path.startswith("/api/v1/users/")):
        params["id"] = str(uuid.UUID(int=_rng.getrandbits(128), version=4))
