# The platform on Alibaba Cloud: a VPC, managed PostgreSQL (high availability), managed Redis, a private OSS
# bucket, web and worker instances behind a load balancer, and one beat instance. Web processes are stateless
# and scale out; there is exactly one beat. No transaction-mode pooler sits between Django and PostgreSQL.

resource "alicloud_vpc" "main" {
  vpc_name   = var.name
  cidr_block = "10.20.0.0/16"
}

resource "alicloud_vswitch" "zone" {
  count        = length(var.zones)
  vpc_id       = alicloud_vpc.main.id
  zone_id      = var.zones[count.index]
  cidr_block   = cidrsubnet(alicloud_vpc.main.cidr_block, 8, count.index)
  vswitch_name = "${var.name}-${var.zones[count.index]}"
}

resource "alicloud_security_group" "app" {
  security_group_name = "${var.name}-app"
  vpc_id              = alicloud_vpc.main.id
}

resource "alicloud_security_group_rule" "web_from_lb" {
  security_group_id = alicloud_security_group.app.id
  type              = "ingress"
  ip_protocol       = "tcp"
  port_range        = "8000/8000"
  cidr_ip           = alicloud_vpc.main.cidr_block
}

# --- PostgreSQL: public schema plus one schema per hospital ---------------------------------------------
resource "alicloud_db_instance" "postgres" {
  engine                   = "PostgreSQL"
  engine_version           = "15.0"
  instance_type            = var.db_instance_class
  instance_storage         = var.db_storage_gb
  db_instance_storage_type = "cloud_essd"
  category                 = "HighAvailability"
  vswitch_id               = join(",", alicloud_vswitch.zone[*].id)
  zone_id                  = var.zones[0]
  zone_id_slave_a          = var.zones[1]
  security_ips             = [alicloud_vpc.main.cidr_block]
  instance_name            = "${var.name}-pg"
  parameters {
    name  = "max_locks_per_transaction"
    value = "256" # DDL over many schemas in one transaction (tenant migrations replay per schema)
  }
}

resource "alicloud_db_account" "platform" {
  db_instance_id   = alicloud_db_instance.postgres.id
  account_name     = "platform"
  account_password = var.db_password
  account_type     = "Super"
}

resource "alicloud_db_database" "platform" {
  instance_id   = alicloud_db_instance.postgres.id
  data_base_name = "platform"
  character_set = "UTF8"
}

resource "alicloud_db_backup_policy" "postgres" {
  instance_id             = alicloud_db_instance.postgres.id
  preferred_backup_period = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
  preferred_backup_time   = "18:00Z-19:00Z"
  backup_retention_period = 30
  enable_backup_log       = true
  log_backup_retention_period = 30
}

# --- Redis: Celery broker and results, cache, throttles ---------------------------------------------------
resource "alicloud_kvstore_instance" "redis" {
  db_instance_name = "${var.name}-redis"
  instance_class   = "redis.master.small.default"
  engine_version   = "7.0"
  zone_id          = var.zones[0]
  secondary_zone_id = var.zones[1]
  vswitch_id       = alicloud_vswitch.zone[0].id
  security_ips     = [alicloud_vpc.main.cidr_block]
}

# --- Object storage: private bucket (photos, attachments, exports, certificates) --------------------------
resource "alicloud_oss_bucket" "files" {
  bucket = "${var.name}-files"
}

resource "alicloud_oss_bucket_acl" "files" {
  bucket = alicloud_oss_bucket.files.bucket
  acl    = "private"
}

resource "alicloud_oss_bucket_server_side_encryption" "files" {
  bucket        = alicloud_oss_bucket.files.bucket
  sse_algorithm = "AES256"
}

resource "alicloud_oss_bucket_lifecycle" "files" {
  bucket = alicloud_oss_bucket.files.bucket
  rule {
    id     = "proctoring-photo-retention"
    prefix = "proctoring/"
    status = "Enabled"
    expiration {
      days = 365
    }
  }
  rule {
    id     = "exports-expire"
    prefix = "exports/"
    status = "Enabled"
    expiration {
      days = 7
    }
  }
}

resource "alicloud_ram_user" "app" {
  name = "${var.name}-app"
}

resource "alicloud_ram_access_key" "app" {
  user_name = alicloud_ram_user.app.name
}

resource "alicloud_ram_policy" "files" {
  policy_name = "${var.name}-files"
  policy_document = jsonencode({
    Version = "1"
    Statement = [{
      Effect   = "Allow"
      Action   = ["oss:GetObject", "oss:PutObject", "oss:DeleteObject", "oss:ListObjects", "oss:GetBucketInfo"]
      Resource = ["acs:oss:*:*:${alicloud_oss_bucket.files.bucket}", "acs:oss:*:*:${alicloud_oss_bucket.files.bucket}/*"]
    }]
  })
}

resource "alicloud_ram_user_policy_attachment" "files" {
  policy_name = alicloud_ram_policy.files.policy_name
  policy_type = "Custom"
  user_name   = alicloud_ram_user.app.name
}

# --- compute: web (scales out), worker (scales out), beat (exactly one) -----------------------------------
locals {
  environment = {
    DJANGO_SETTINGS_MODULE = "config.settings.production"
    DATABASE_URL           = "postgres://platform:${var.db_password}@${alicloud_db_instance.postgres.connection_string}:5432/platform"
    REDIS_URL              = "redis://${alicloud_kvstore_instance.redis.connection_domain}:6379/0"
    S3_ENDPOINT_URL        = "https://oss-${var.region}-internal.aliyuncs.com"
    S3_REGION              = var.region
    S3_BUCKET              = alicloud_oss_bucket.files.bucket
    S3_ACCESS_KEY_ID       = alicloud_ram_access_key.app.id
    S3_SECRET_ACCESS_KEY   = alicloud_ram_access_key.app.secret
  }
  user_data = {
    for role in ["web", "worker", "beat"] : role => base64encode(<<-EOT
      #!/bin/sh
      cat > /etc/platform.env <<'ENV'
      ${join("\n", [for k, v in local.environment : "${k}=${v}"])}
      ENV
      systemctl enable --now platform-${role}.service
    EOT
    )
  }
}

resource "alicloud_instance" "web" {
  count                = var.web_count
  instance_name        = "${var.name}-web-${count.index}"
  image_id             = var.image_id
  instance_type        = var.web_instance_type
  vswitch_id           = alicloud_vswitch.zone[count.index % length(var.zones)].id
  security_groups      = [alicloud_security_group.app.id]
  system_disk_category = "cloud_essd"
  user_data            = local.user_data["web"]
}

resource "alicloud_instance" "worker" {
  count                = var.worker_count
  instance_name        = "${var.name}-worker-${count.index}"
  image_id             = var.image_id
  instance_type        = var.web_instance_type
  vswitch_id           = alicloud_vswitch.zone[count.index % length(var.zones)].id
  security_groups      = [alicloud_security_group.app.id]
  system_disk_category = "cloud_essd"
  user_data            = local.user_data["worker"]
}

resource "alicloud_instance" "beat" {
  instance_name        = "${var.name}-beat"
  image_id             = var.image_id
  instance_type        = "ecs.c7.large"
  vswitch_id           = alicloud_vswitch.zone[0].id
  security_groups      = [alicloud_security_group.app.id]
  system_disk_category = "cloud_essd"
  user_data            = local.user_data["beat"]
}

resource "alicloud_slb_load_balancer" "web" {
  load_balancer_name = "${var.name}-web"
  address_type       = "internet"
  load_balancer_spec = "slb.s2.small"
  vswitch_id         = alicloud_vswitch.zone[0].id
}

resource "alicloud_slb_server_group" "web" {
  load_balancer_id = alicloud_slb_load_balancer.web.id
  name             = "${var.name}-web"
}

resource "alicloud_slb_server_group_server_attachment" "web" {
  count           = var.web_count
  server_group_id = alicloud_slb_server_group.web.id
  server_id       = alicloud_instance.web[count.index].id
  port            = 8000
  weight          = 100
}
