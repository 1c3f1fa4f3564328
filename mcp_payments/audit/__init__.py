"""The audit building block of the shared kernel: the audit-log row and `audit_record`.

Every layer (services of every app, the MCP server, the accounts kernel) writes audit rows through
`mcp_payments.audit.records`; compliance owns what is done with them (sealing the hash chain,
verification, the audit-log API). The table keeps its historical name `compliance_auditentry`.
"""
