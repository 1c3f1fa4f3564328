"""The merchant's customers as seen from apps that must not import `payments` (the ledger).

`payments` owns customers and registers its check here when the app loads
(`PaymentsConfig.ready`); `wallets` asks through `customer_require` without importing payments.
"""

from collections.abc import Callable

from .context import AuthContext

CustomerCheck = Callable[..., str]
_check: CustomerCheck | None = None


def register_customer_check(check: CustomerCheck) -> None:
    """Install the owner's check: `check(*, context, customer_id, param) -> customer id`.

    The check raises the owner's not-found error (404 `resource_missing`) for an id that is not
    the context merchant's customer. Called once, by the payments app.
    """
    global _check
    _check = check


def customer_require(*, context: AuthContext, customer_id: str, param: str = "customer") -> str:
    """The id of `customer_id` if it is the context merchant's customer (erased ones included).

    Raises the registered owner's not-found error (404, `param` named) otherwise, and
    RuntimeError when no app has registered a customer check. Reads only; no side effects.
    """
    if _check is None:
        raise RuntimeError("No customer check registered (is the payments app installed?).")
    return _check(context=context, customer_id=customer_id, param=param)
