output "load_balancer_address" {
  value = alicloud_slb_load_balancer.web.address
}

output "database_host" {
  value = alicloud_db_instance.postgres.connection_string
}

output "bucket" {
  value = alicloud_oss_bucket.files.bucket
}
