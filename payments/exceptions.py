from mcp_payments.api.errors import NotFound


class CustomerNotFound(NotFound):
    code = "resource_missing"
    message = "No such customer."
