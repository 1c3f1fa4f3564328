output "vpc_id" {
  description = "VPC of the deployment."
  value       = aws_vpc.main.id
}

output "eks_cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = aws_eks_cluster.main.name
}

output "eks_cluster_endpoint" {
  description = "EKS API endpoint."
  value       = aws_eks_cluster.main.endpoint
}

output "db_primary_endpoint" {
  description = "PostgreSQL primary (host:port) for DATABASE_URL."
  value       = aws_db_instance.primary.endpoint
}

output "db_analytics_replica_endpoint" {
  description = "Read replica (host:port) for analytics reads."
  value       = aws_db_instance.analytics_replica.endpoint
}

output "db_master_secret_arn" {
  description = "Secrets Manager secret RDS keeps the owner's password in."
  value       = aws_db_instance.primary.master_user_secret[0].secret_arn
}

output "redis_primary_endpoint" {
  description = "ElastiCache primary endpoint for REDIS_URL (rediss://, with the auth token)."
  value       = aws_elasticache_replication_group.main.primary_endpoint_address
}

output "rabbitmq_amqps_endpoints" {
  description = "Amazon MQ AMQPS endpoints for CELERY_BROKER_URL / EVENTS_BROKER_URL."
  value       = aws_mq_broker.main.instances[*].endpoints
}

output "reports_bucket" {
  description = "S3 bucket of report exports."
  value       = aws_s3_bucket.reports.bucket
}

output "kms_key_arn" {
  description = "KMS key encrypting the data at rest."
  value       = aws_kms_key.main.arn
}

output "app_secret_arn" {
  description = "Secrets Manager secret to fill with the application's settings (External Secrets source)."
  value       = aws_secretsmanager_secret.app.arn
}

output "redis_auth_token" {
  description = "Redis AUTH token (sensitive): copy it into the application secret."
  value       = random_password.redis.result
  sensitive   = true
}

output "rabbitmq_password" {
  description = "Amazon MQ user's password (sensitive): copy it into the application secret."
  value       = random_password.mq.result
  sensitive   = true
}
