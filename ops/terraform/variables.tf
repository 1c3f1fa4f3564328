variable "name" {
  description = "Name prefix of every resource."
  type        = string
  default     = "mcp-payments"
}

variable "environment" {
  description = "Environment name (dev, staging, prod); part of every resource name."
  type        = string
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "eu-west-1"
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

variable "vpc_cidr" {
  description = "CIDR of the VPC; the Kubernetes overlays' datastore NetworkPolicy uses the same range."
  type        = string
  default     = "10.20.0.0/16"
}

variable "az_count" {
  description = "Availability zones to spread subnets, nodes and Multi-AZ services over (2 or 3)."
  type        = number
  default     = 3
  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "az_count must be 2 or 3."
  }
}

variable "eks_version" {
  description = "Kubernetes version of the EKS control plane."
  type        = string
  default     = "1.33"
}

variable "eks_public_access_cidrs" {
  description = "CIDRs allowed to reach the EKS API endpoint publicly; empty = private endpoint only."
  type        = list(string)
  default     = []
}

variable "node_instance_types" {
  description = "EC2 instance types of the EKS managed node group."
  type        = list(string)
  default     = ["m7i.large"]
}

variable "node_min_size" {
  description = "Minimum nodes of the node group."
  type        = number
  default     = 3
}

variable "node_max_size" {
  description = "Maximum nodes of the node group (the cluster autoscaler works within it)."
  type        = number
  default     = 12
}

variable "db_instance_class" {
  description = "RDS instance class of the PostgreSQL primary (and of its read replica)."
  type        = string
  default     = "db.r7g.large"
}

variable "db_allocated_storage_gb" {
  description = "Initial gp3 storage of the database in GiB (grows automatically up to db_max_storage_gb)."
  type        = number
  default     = 100
}

variable "db_max_storage_gb" {
  description = "Storage autoscaling ceiling of the database in GiB."
  type        = number
  default     = 1000
}

variable "db_backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery (WAL) kept by RDS."
  type        = number
  default     = 14
}

variable "db_engine_version" {
  description = "PostgreSQL major.minor version."
  type        = string
  default     = "16.4"
}

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.r7g.large"
}

variable "mq_instance_type" {
  description = "Amazon MQ broker instance type (a 3-node RabbitMQ cluster)."
  type        = string
  default     = "mq.m5.large"
}

variable "mq_engine_version" {
  description = "RabbitMQ engine version of Amazon MQ."
  type        = string
  default     = "3.13"
}

variable "reports_retention_days" {
  description = "Days report exports are kept in S3 before expiry."
  type        = number
  default     = 90
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps EKS control-plane, VPC flow and broker logs."
  type        = number
  default     = 365
}
