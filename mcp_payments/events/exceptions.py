from mcp_payments.api.errors import InvalidRequest, NotFound


class DeadLetterNotFound(NotFound):
    message = "No such dead letter."


class UnknownEventsQueue(InvalidRequest):
    code = "unknown_queue"
    message = "No such events queue."
