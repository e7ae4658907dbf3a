"""Schemathesis hooks for the PEC Ingegneri API contract test (`cargo xtask test`).

JSON Schema counts 130.0 as an integer and schemathesis (since 4.27) sends integers so;
the API, like every client it has, reads integers without a fraction. The hook sends whole
numbers as integers: the same value, the wire form clients use.
"""

import schemathesis


def _whole_numbers_as_integers(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_whole_numbers_as_integers(item) for item in value]
    if isinstance(value, dict):
        return {key: _whole_numbers_as_integers(item) for key, item in value.items()}
    return value


@schemathesis.hook
def map_body(context, body):
    return _whole_numbers_as_integers(body)
