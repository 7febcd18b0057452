from collections.abc import Callable


def step(name: str) -> Callable:
    """Let a half-logged-in user reach this view.

    ``"enrol"``: before the second factor is enrolled; ``"password"``: while the password is
    temporary; ``"any"``: both (logout).
    """

    def mark(view: Callable) -> Callable:
        view.login_step = name
        return view

    return mark
