"""The form of certificate codes: what is printed, what is typed, what is stored."""

# No 0/O, 1/I/L: a code read aloud or typed from paper cannot be mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def normalise_code(raw: str) -> str | None:
    """The stored form of a typed code (case, spaces and dashes ignored), or None if it cannot be one."""
    code = "".join(ch for ch in (raw or "")[:60].upper() if ch not in " -–_.")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code
