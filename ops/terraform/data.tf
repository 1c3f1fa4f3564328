# RDS PostgreSQL (Multi-AZ, encrypted, PITR backups, a read replica for analytics), ElastiCache
# Redis (encrypted, TLS, replicated) and Amazon MQ for RabbitMQ (a 3-node cluster, private).
# Passwords are generated here and kept in AWS Secrets Manager by RDS / in the state of this
# module only as random values, never as variable defaults.

resource "aws_db_subnet_group" "main" {
  name       = local.prefix
  subnet_ids = aws_subnet.data[*].id
}

resource "aws_db_parameter_group" "main" {
  name   = "${local.prefix}-pg16"
  family = "postgres16"
  parameter {
    name  = "log_min_duration_statement"
    value = "250"
  }
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
  parameter {
    name  = "log_statement"
    value = "ddl"
  }
}

resource "aws_db_instance" "primary" {
  identifier                            = "${local.prefix}-primary"
  engine                                = "postgres"
  engine_version                        = var.db_engine_version
  instance_class                        = var.db_instance_class
  allocated_storage                     = var.db_allocated_storage_gb
  max_allocated_storage                 = var.db_max_storage_gb
  storage_type                          = "gp3"
  storage_encrypted                     = true
  kms_key_id                            = aws_kms_key.main.arn
  db_name                               = "mcp_payments"
  username                              = "mcp_payments_owner"
  manage_master_user_password           = true
  master_user_secret_kms_key_id         = aws_kms_key.main.arn
  multi_az                              = true
  db_subnet_group_name                  = aws_db_subnet_group.main.name
  vpc_security_group_ids                = [aws_security_group.data.id]
  parameter_group_name                  = aws_db_parameter_group.main.name
  publicly_accessible                   = false
  backup_retention_period               = var.db_backup_retention_days
  backup_window                         = "02:00-03:00"
  maintenance_window                    = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot                 = true
  deletion_protection                   = true
  skip_final_snapshot                   = false
  final_snapshot_identifier             = "${local.prefix}-final"
  auto_minor_version_upgrade            = true
  iam_database_authentication_enabled   = true
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.main.arn
  performance_insights_retention_period = 7
  monitoring_interval                   = 30
  monitoring_role_arn                   = aws_iam_role.rds_monitoring.arn
  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
}

# Analytics reads (dashboards, report exports) go to the replica (ANALYTICS.md); it may lag.
resource "aws_db_instance" "analytics_replica" {
  #checkov:skip=CKV_AWS_157:A read replica for analytics; the primary is Multi-AZ and a lost replica is recreated.
  identifier                            = "${local.prefix}-analytics"
  replicate_source_db                   = aws_db_instance.primary.identifier
  instance_class                        = var.db_instance_class
  storage_encrypted                     = true
  kms_key_id                            = aws_kms_key.main.arn
  vpc_security_group_ids                = [aws_security_group.data.id]
  parameter_group_name                  = aws_db_parameter_group.main.name
  publicly_accessible                   = false
  skip_final_snapshot                   = true
  deletion_protection                   = true
  copy_tags_to_snapshot                 = true
  auto_minor_version_upgrade            = true
  iam_database_authentication_enabled   = true
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.main.arn
  performance_insights_retention_period = 7
  monitoring_interval                   = 30
  monitoring_role_arn                   = aws_iam_role.rds_monitoring.arn
  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
  multi_az                              = false # a replica; the primary is Multi-AZ
}

data "aws_iam_policy_document" "rds_monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "rds_monitoring" {
  name               = "${local.prefix}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.rds_monitoring_assume.json
}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {
  role       = aws_iam_role.rds_monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_elasticache_subnet_group" "main" {
  name       = local.prefix
  subnet_ids = aws_subnet.data[*].id
}

resource "random_password" "redis" {
  length  = 48
  special = false
}

resource "aws_elasticache_replication_group" "main" {
  replication_group_id       = local.prefix
  description                = "${local.prefix} cache, rate limits and Channels layer"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = var.redis_node_type
  num_cache_clusters         = var.az_count
  automatic_failover_enabled = true
  multi_az_enabled           = true
  subnet_group_name          = aws_elasticache_subnet_group.main.name
  security_group_ids         = [aws_security_group.data.id]
  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.main.arn
  transit_encryption_enabled = true
  auth_token                 = random_password.redis.result
  snapshot_retention_limit   = 1
  auto_minor_version_upgrade = true
}

resource "random_password" "mq" {
  length  = 40
  special = false
}

resource "aws_mq_broker" "main" {
  broker_name                = local.prefix
  engine_type                = "RabbitMQ"
  engine_version             = var.mq_engine_version
  host_instance_type         = var.mq_instance_type
  deployment_mode            = "CLUSTER_MULTI_AZ"
  publicly_accessible        = false
  subnet_ids                 = aws_subnet.data[*].id
  security_groups            = [aws_security_group.data.id]
  auto_minor_version_upgrade = true

  encryption_options {
    kms_key_id        = aws_kms_key.main.arn
    use_aws_owned_key = false
  }

  logs {
    general = true
  }

  user {
    username = "mcp_payments"
    password = random_password.mq.result
  }
}

# The application's connection settings, for External Secrets to project into the
# `mcp-payments-secrets` Kubernetes Secret.
resource "aws_secretsmanager_secret" "app" {
  #checkov:skip=CKV2_AWS_57:Holds SECRET_KEY and connection URLs, rotated by the deployment runbook with a rollout; RDS rotates its own master secret.
  name       = "${local.prefix}/app"
  kms_key_id = aws_kms_key.main.arn
}
